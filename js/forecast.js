// ForecastDispatcher: a model registry plus forecast tasks on the package's Dispatcher
// (priorities, concurrency limit, per-attempt timeouts with AbortSignal, retries, metrics).
// Every submitted task ends as a ForecastResult; failures, timeouts, cancellations and
// unknown models are results with success: false, never thrown away. See docs/forecast.md.
import { Dispatcher, forecast, forecastModels } from './api.js';

const now = () => (globalThis.performance?.now ? performance.now() : Date.now());

function typedError(code, name, message, details) {
  return Object.assign(new Error(message), { code, name, details });
}

/** Numbers of a series: a typed array, an array of numbers, or columns / an Ohlcv with `close`. */
function seriesOf(data) {
  if (data && typeof data.toColumns === 'function') data = data.toColumns();
  if (data && !ArrayBuffer.isView(data) && !Array.isArray(data) && data.close !== undefined) data = data.close;
  if (ArrayBuffer.isView(data) || Array.isArray(data)) return Float64Array.from(data);
  throw typedError('INVALID_INPUT', 'InvalidInputError',
    'data must be a Float64Array, an array of numbers, or columns/an Ohlcv with close', { field: 'data' });
}

/** A model's return value as {forecast, confidence, extra}. */
function normalizeOutput(out, horizon) {
  const values = ArrayBuffer.isView(out) || Array.isArray(out) ? out : out?.mean ?? out?.forecast;
  if (!values || typeof values.length !== 'number') {
    throw typedError('INVALID_INPUT', 'InvalidInputError',
      'a forecast model must return numbers (array or Float64Array) or an object with mean/forecast', { field: 'forecast' });
  }
  const forecastValues = Array.from(values, Number);
  if (forecastValues.length !== horizon) {
    throw typedError('INVALID_INPUT', 'InvalidInputError',
      `the model returned ${forecastValues.length} values for horizon ${horizon}`, { field: 'forecast', expected: horizon, got: forecastValues.length });
  }
  const extra = {};
  let confidence = null;
  if (out && !ArrayBuffer.isView(out) && !Array.isArray(out)) {
    if (typeof out.confidence === 'number' && Number.isFinite(out.confidence)) confidence = out.confidence;
    if (out.lower) extra.lower = Array.from(out.lower, Number);
    if (out.upper) extra.upper = Array.from(out.upper, Number);
    if (out.params) extra.params = out.params;
    if (typeof out.sse === 'number') extra.sse = out.sse;
    // Built-ins: the interval coverage is the confidence attached to the forecast.
    if (confidence === null && out.lower && typeof out.params?.level === 'number') confidence = out.params.level;
  }
  return { forecast: forecastValues, confidence, extra };
}

export class ForecastDispatcher {
  /**
   * @param {{maxConcurrent?: number, defaultTimeoutMs?: number, maxRetries?: number, maxQueue?: number,
   *   overflow?: 'reject'|'drop_lowest', retryDelayMs?: number, maxRetryDelayMs?: number, reporterSize?: number, seed?: number}} [options]
   */
  constructor(options = {}) {
    const clean = Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined));
    this._dispatcher = new Dispatcher(clean);
    this._models = new Map();
    this._tasks = new Map();
    this._nextId = 1;
    this._stopped = false;
    for (const spec of forecastModels()) {
      this._models.set(spec.name, { builtin: true, fn: (series, { horizon, params }) => forecast(series, { ...params, model: spec.name, horizon }) });
    }
  }

  /** The underlying Dispatcher (metrics, pause/resume, failedSummary). */
  get dispatcher() {
    return this._dispatcher;
  }

  /** Registers (or replaces) a model: `fn(series: Float64Array, {horizon, signal, params})` returning numbers or `{mean, lower?, upper?, confidence?}`. */
  registerModel(name, fn) {
    if (typeof name !== 'string' || name.length === 0) {
      throw typedError('INVALID_PARAMETER', 'InvalidParameterError', 'registerModel: name must be a non-empty string', { field: 'name' });
    }
    if (typeof fn !== 'function') {
      throw typedError('INVALID_PARAMETER', 'InvalidParameterError', `registerModel('${name}'): the model must be a function`, { field: 'fn' });
    }
    this._models.set(name, { builtin: false, fn });
    return this;
  }

  /** Names of the registered models (built-ins first). */
  models() {
    return [...this._models.keys()];
  }

  /**
   * Queues a forecast; returns its id. Never throws for the task's content: an unknown model,
   * bad data, a full queue or a stopped dispatcher give a result with success: false.
   */
  submitForecastTask({ model, symbol = null, horizon, data, params = {}, priority = 0, timeoutMs, maxRetries } = {}) {
    const id = this._nextId++;
    const task = { id, model, symbol, horizon, submittedAt: now(), startedAt: null, attempts: 0, result: null };
    let settle;
    task.done = new Promise((resolve) => { settle = resolve; });
    task.settle = (result) => { if (!task.result) { task.result = result; settle(result); } };
    this._tasks.set(id, task);
    try {
      if (this._stopped) throw typedError('CANCELLED', 'CancelledError', 'the ForecastDispatcher is stopped', { field: 'dispatcher' });
      const entry = this._models.get(model);
      if (!entry) {
        throw typedError('INVALID_PARAMETER', 'InvalidParameterError',
          `unknown forecast model '${model}'; registered: ${this.models().join(', ')}`, { field: 'model', got: model ?? null });
      }
      if (!Number.isInteger(horizon) || horizon < 1) {
        throw typedError('INVALID_PARAMETER', 'InvalidParameterError', `horizon must be a positive integer, got ${horizon}`, { field: 'horizon' });
      }
      const series = seriesOf(data);
      const job = async (signal) => {
        task.attempts++;
        task.startedAt ??= now();
        return entry.fn(series.slice(), { horizon, signal, params: { ...params } });
      };
      const options = { priority };
      if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
      if (maxRetries !== undefined) options.maxRetries = maxRetries;
      task.dispatchId = this._dispatcher.submit(`forecast:${model}`, job, options);
      this._dispatcher.result(task.dispatchId).then(
        (out) => {
          try {
            task.settle(this._success(task, normalizeOutput(out, horizon)));
          } catch (e) {
            task.settle(this._failure(task, e, 'failed'));
          }
        },
        (e) => task.settle(this._failure(task, e, this._dispatcher.status(task.dispatchId) ?? 'failed')),
      );
    } catch (e) {
      task.settle(this._failure(task, e, 'rejected'));
    }
    return id;
  }

  /**
   * The task's ForecastResult. With `{timeoutMs}`, waits at most that long: if the task is not
   * finished by then, the answer is a success: false result with status 'pending' (the task
   * goes on and a later call gets its real result).
   */
  async getForecastResult(id, { timeoutMs } = {}) {
    const task = this._tasks.get(id);
    if (!task) {
      throw typedError('INVALID_PARAMETER', 'InvalidParameterError', `unknown forecast task id ${id}`, { field: 'id', got: id });
    }
    if (task.result || timeoutMs === undefined) return task.done;
    let timer;
    const waited = new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), Math.max(0, timeoutMs));
    });
    const result = await Promise.race([task.done, waited]);
    clearTimeout(timer);
    if (result) return result;
    const status = task.dispatchId !== undefined ? this._dispatcher.status(task.dispatchId) ?? 'pending' : 'pending';
    return this._result(task, {
      success: false,
      forecast: [],
      confidence: null,
      error_message: `TIMEOUT: no result within ${timeoutMs} ms (task is ${status}; ask again later)`,
      metadata: { status: 'pending', taskStatus: status, code: 'TIMEOUT' },
    });
  }

  /** Cancels a queued or running task (its AbortSignal fires); its result says cancelled. */
  cancel(id) {
    const task = this._tasks.get(id);
    return task?.dispatchId !== undefined ? this._dispatcher.cancel(task.dispatchId) : false;
  }

  /** Forgets finished tasks' results (they are kept until then); returns how many. */
  clearResults() {
    let removed = 0;
    for (const [id, task] of this._tasks) {
      if (task.result) { this._tasks.delete(id); removed++; }
    }
    return removed;
  }

  /** Stops accepting tasks and lets running ones finish (`{graceful, deadlineMs}` as Dispatcher.shutdown). */
  async stop(options = {}) {
    this._stopped = true;
    const metrics = await this._dispatcher.shutdown(options);
    await Promise.all([...this._tasks.values()].map((t) => t.done));
    return metrics;
  }

  _result(task, fields) {
    const end = now();
    return {
      task_id: task.id,
      model_name: task.model ?? null,
      symbol: task.symbol,
      execution_time: ((end - (task.startedAt ?? task.submittedAt)) / 1000),
      ...fields,
      metadata: { horizon: task.horizon ?? null, attempts: task.attempts, ...fields.metadata },
    };
  }

  _success(task, { forecast: values, confidence, extra }) {
    return this._result(task, { forecast: values, confidence, success: true, error_message: null, metadata: { status: 'completed', ...extra } });
  }

  _failure(task, error, status) {
    // The Dispatcher wraps a model's error (TASK_FAILED, with attempts) and keeps it as `cause`.
    const root = error?.cause instanceof Error ? error.cause : error;
    const code = root?.code ?? error?.code ?? 'TASK_FAILED';
    const message = root?.message ?? String(root);
    const metadata = { status, code, details: root?.details ?? error?.details ?? null };
    if (root !== error && error?.message) metadata.taskError = error.message;
    return this._result(task, { forecast: [], confidence: null, success: false, error_message: `${code}: ${message}`, metadata });
  }
}
