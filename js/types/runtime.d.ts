export interface DispatcherOptions {
  maxConcurrent?: number; maxQueue?: number; overflow?: 'reject' | 'drop_lowest';
  defaultTimeoutMs?: number; maxRetries?: number; retryDelayMs?: number; maxRetryDelayMs?: number;
  reporterSize?: number; seed?: number;
}
export interface SubmitOptions { priority?: number; timeoutMs?: number; maxRetries?: number }
export type TaskStatus = 'queued' | 'running' | 'retrying' | 'completed' | 'failed' | 'timed_out' | 'cancelled' | 'dropped';
export interface LatencySummary { count: number; avg: number; min: number; p50: number; p95: number; p99: number; max: number }
export interface StatusCounts {
  queued: number; running: number; retrying: number; completed: number; failed: number;
  timedOut: number; cancelled: number; dropped: number;
}
export interface NameMetrics {
  submitted: number; rejected: number; active: number; completed: number; failed: number; timedOut: number;
  cancelled: number; dropped: number; successRate?: number; queueWait: LatencySummary; runTime: LatencySummary;
}
export interface DispatcherMetrics {
  submitted: number; rejected: number; counts: StatusCounts; successRate?: number; retries: number;
  attemptTimeouts: number; attemptFailures: number; queueWait: LatencySummary; runTime: LatencySummary;
  byName: Record<string, NameMetrics>; maxConcurrent: number; paused: boolean; shutDown: boolean;
  reporter: { size: number; capacity: number; evicted: number };
}
export interface ClassCounts { timeout: number; exception: number; dropped: number }
export interface FailedSummary {
  total: number; byClass: ClassCounts; byName: Record<string, ClassCounts>;
  recent: { id: number; name: string; class: 'timeout' | 'exception' | 'dropped'; message: string; attempts: number; at: number }[];
}
export interface TaskInfo {
  id: number; name: string; status: TaskStatus; priority: number; attempts: number;
  submittedAt: number; startedAt?: number; finishedAt?: number; error?: string;
}
export type JobSchedule = { everyMs: number; startAt?: number } | { daily: string } | { weekly: string };
export interface JobOptions extends SubmitOptions { missed?: 'skip' | 'catch_up_once' }
export interface JobInfo {
  id: number; name: string; schedule: string; missed: 'skip' | 'catch_up_once'; nextRunAt?: number; running: boolean;
  runs: number; completed: number; failed: number; skippedMissed: number; skippedOverlap: number; caughtUp: number;
  lastRunAt?: number; lastStatus?: TaskStatus; lastError?: string; timerLag: LatencySummary;
}
export interface OpRecord { name: string; durationMs: number; success: boolean; at: number; error?: string }
export interface OpSummary {
  total: number; successes: number; failures: number; successRate?: number; avgMs: number; minMs: number;
  p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number;
}
export interface LagSummary { running: boolean; intervalMs: number; samples: number; avg: number; p50: number; p95: number; p99: number; max: number }
/** A component registered in a ServiceContainer: both hooks optional, sync or async. */
export interface Component { initialize?(): void | PromiseLike<void>; cleanup?(): void | PromiseLike<void> }
export interface ComponentStatus {
  name: string; kind: 'service' | 'analyzer';
  state: 'registered' | 'initializing' | 'ready' | 'failed' | 'cleaning_up' | 'stopped'; error?: string;
}
/** A task body: receives an AbortSignal (aborted on timeout/cancel) and returns a value or a promise. */
export type TaskFn<T> = (signal: AbortSignal) => T | Promise<T>;

/** Cooperative async task dispatcher: priorities, bounded queue, timeouts, retries, metrics. */
export class Dispatcher {
  constructor(options?: DispatcherOptions);
  /** Queues a task; returns its id (QUEUE_FULL when the queue is full and overflow is 'reject'). */
  submit<T>(name: string, f: TaskFn<T>, options?: SubmitOptions): number;
  /** Settles with the task's value, or rejects (TIMEOUT, CANCELLED, TASK_FAILED, RESULT_EVICTED). */
  result<T = unknown>(id: number, options?: { timeoutMs?: number }): Promise<T>;
  status(id: number): TaskStatus | undefined;
  info(id: number): TaskInfo | undefined;
  cancel(id: number): boolean;
  pause(): void;
  resume(): void;
  readonly isPaused: boolean;
  metrics(): DispatcherMetrics;
  failedSummary(): FailedSummary;
  clearCompleted(maxAgeMs?: number | null): number;
  onIdle(): Promise<void>;
  shutdown(options?: { graceful?: boolean; deadlineMs?: number }): Promise<DispatcherMetrics>;
  free(): void;
  [Symbol.dispose](): void;
}

/** Interval, daily and weekly jobs submitted to a Dispatcher. */
export class Scheduler {
  constructor(dispatcher: Dispatcher, options?: { graceMs?: number });
  addJob<T>(name: string, f: TaskFn<T>, schedule: JobSchedule, options?: JobOptions): number;
  removeJob(id: number): boolean;
  start(): void;
  stop(): void;
  readonly isStarted: boolean;
  /** Submits the job now; returns the task id, or undefined when it is already running. */
  runNow(id: number): number | undefined;
  jobs(): JobInfo[];
  job(id: number): JobInfo | undefined;
  timerLag(): LatencySummary;
  free(): void;
  [Symbol.dispose](): void;
}

/** Operation timings, summaries, Prometheus text and an event-loop lag probe. */
export class PerformanceMonitor {
  constructor(options?: { capacity?: number });
  /** Runs `f`, timing it (promises are timed until they settle); returns what `f` returns. */
  track<T>(name: string, f: () => T): T;
  record(name: string, durationMs: number, success?: boolean | null, error?: string): void;
  lastN(n: number): OpRecord[];
  summary(name?: string): OpSummary;
  summaries(): Record<string, OpSummary>;
  clear(): void;
  prometheus(): string;
  prometheusWith(dispatcher: Dispatcher): string;
  startLagProbe(options?: { intervalMs?: number }): void;
  stopLagProbe(): void;
  lag(): LagSummary;
  free(): void;
  [Symbol.dispose](): void;
}

/** Named components initialised in registration order and cleaned up in reverse. */
export class ServiceContainer {
  constructor();
  register(name: string, component: Component, options?: { kind?: 'service' | 'analyzer' }): void;
  get<C extends Component = Component>(name: string): C | undefined;
  status(): ComponentStatus[];
  initializeAll(): Promise<string[]>;
  cleanupAll(): Promise<{ cleaned: string[]; errors: { component: string; message: string }[] }>;
  free(): void;
  [Symbol.dispose](): void;
}
