// One boundary for every call into the wasm module: errors always come out typed, and class
// methods check their receiver before the glue hands a pointer to Rust.
//
// wasm-bindgen's glue reads `this.__wbg_ptr` and passes it to Rust unchecked: a method called
// on the wrong object (`IndicatorStream.prototype.update.call(ohlcv, 1)`) would make Rust
// reinterpret another type's memory and trap; on a freed object the pointer is 0. The guard
// refuses both with INVALID_INPUT. Glue failures (a freed object passed as an argument, a
// borrow conflict, BigInt/Symbol conversions) and errors thrown by user callbacks come back as
// typed errors with the original as `cause`.

function typedError(name, code, message, details, cause) {
  const err = new Error(message, cause === undefined ? undefined : { cause });
  err.name = name;
  err.code = code;
  err.details = details;
  return err;
}

/** `e` as a stratlab error: typed errors pass through, anything else is wrapped. */
export function typed(e, where) {
  if (e !== null && typeof e === 'object' && typeof e.code === 'string' && typeof e.name === 'string') return e;
  if (typeof WebAssembly === 'object' && e instanceof WebAssembly.RuntimeError) {
    return typedError('InternalError', 'INTERNAL', `${where}: the WebAssembly module trapped (${e.message}); please report it with the input that caused it`, { function: where }, e);
  }
  const message = e !== null && typeof e === 'object' && typeof e.message === 'string' ? e.message : String(e);
  // Failures of the glue's own conversions are bad input; anything else was thrown by the
  // caller's code (a callback, a getter) and comes back as CALLBACK_FAILED with it as `cause`.
  if (GLUE_FAILURE.test(message)) {
    return typedError('InvalidInputError', 'INVALID_INPUT', `${where}: ${message}`, { function: where }, e);
  }
  return typedError('CallbackFailedError', 'CALLBACK_FAILED', `${where}: your code threw: ${message}`, { function: where }, e);
}

const GLUE_FAILURE = /null pointer passed to rust|recursive use of an object|take ownership of Rust value|already (mutably )?borrowed|Cannot convert|Cannot mix BigInt|expected (an )?instance of|Invalid (array|typed array) length|Maximum call stack|is not a function|is not iterable|Cannot read propert/;

/** Calls `fn` with typed errors, for sync results and promises alike. */
export function guardCall(fn, where, self, args) {
  let result;
  try {
    result = fn.apply(self, args);
  } catch (e) {
    throw typed(e, where);
  }
  if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
    return result.then(undefined, (e) => { throw typed(e, where); });
  }
  return result;
}

/** The receiver check of a wasm-bindgen class: an instance whose Rust object is alive. */
function checkWasmReceiver(C, self, where) {
  checkJsReceiver(C, self, where);
  if (typeof self.__wbg_ptr !== 'number') {
    throw typedError('InvalidInputError', 'INVALID_INPUT', `${where} was called on something that is not a ${C.name}`, { function: where, expected: C.name });
  }
  if (self.__wbg_ptr === 0) {
    throw typedError('InvalidInputError', 'INVALID_INPUT', `${where}: this ${C.name} was freed (free() was called); create a new one`, { function: where, reason: 'freed' });
  }
}

/** The receiver check of a plain JS class. */
function checkJsReceiver(C, self, where) {
  if (!(self instanceof C)) {
    throw typedError('InvalidInputError', 'INVALID_INPUT', `${where} was called on something that is not a ${C.name}`, { function: where, expected: C.name });
  }
}

const GUARDED = Symbol('stratlab.guarded');

/** Wraps `owner[key]` (method, getter, setter) so it checks its receiver (unless static) and
 *  its errors come out typed. A wasm class's `free` stays callable twice (idempotent). */
function guardMember(C, owner, key, check) {
  const d = Object.getOwnPropertyDescriptor(owner, key);
  const where = `${C.name}.${String(key)}`;
  const checked = (self) => { if (check) check(C, self, where); };
  if (typeof d.value === 'function') {
    const fn = d.value;
    d.value = check === checkWasmReceiver && (key === 'free' || key === Symbol.dispose)
      ? function free() { if (this instanceof C && this.__wbg_ptr) guardCall(fn, where, this, []); }
      : function guarded(...args) { checked(this); return guardCall(fn, where, this, args); };
  }
  if (d.get) {
    const get = d.get;
    d.get = function guardedGet() { checked(this); return guardCall(get, where, this, []); };
  }
  if (d.set) {
    const set = d.set;
    d.set = function guardedSet(v) { checked(this); guardCall(set, where, this, [v]); };
  }
  Object.defineProperty(owner, key, d);
}

/** Guards class `C` in place (methods, accessors, static methods) and returns a subclass whose
 *  constructor types its errors; instances stay `instanceof C`, which is what wasm-bindgen's
 *  glue checks. */
function guardWith(C, check) {
  if (typeof C !== 'function' || C[GUARDED]) return C;
  for (const key of Object.getOwnPropertyNames(C.prototype)) {
    if (key !== 'constructor') guardMember(C, C.prototype, key, check);
  }
  for (const key of Object.getOwnPropertyNames(C)) {
    const d = Object.getOwnPropertyDescriptor(C, key);
    if (typeof d.value === 'function' && d.writable && !key.startsWith('__')) guardMember(C, C, key, null);
  }
  const Guarded = {
    [C.name]: class extends C {
      constructor(...args) {
        try {
          super(...args);
        } catch (e) {
          throw typed(e, `new ${C.name}`);
        }
      }
    },
  }[C.name];
  Object.defineProperty(C, GUARDED, { value: true });
  Object.defineProperty(Guarded, GUARDED, { value: true });
  return Guarded;
}

/** A wasm-bindgen class of the glue. */
export function guardClass(C) {
  return guardWith(C, checkWasmReceiver);
}

/** A plain JS class of the package (ForecastDispatcher, StateStore). */
export function guardJsClass(C) {
  return guardWith(C, checkJsReceiver);
}

/** The error of a call made before `load()` (browsers, Deno) or of a function the chosen build lacks. */
export function notLoaded(name, build) {
  return build
    ? typedError('InvalidInputError', 'INVALID_INPUT', `${name} is not available in the ${build} build`, { function: name, build })
    : typedError('InvalidInputError', 'INVALID_INPUT', `${name} was called before stratlab was loaded: await load() first`, { function: name, reason: 'not_loaded' });
}
