package com.chaojiyuyan.sdk.worker;

import java.time.Duration;
import java.time.Instant;

/**
 * One held job, on its own virtual thread: heartbeat in the background, call the handler, submit its
 * result (calling it again while the kernel rejects the output and submits remain), or report its
 * exception through {@code /fail}. The worker's slot is returned in {@code finally}, whatever happens.
 */
final class TaskExecution implements Runnable {
    private final Worker worker;
    private final Lease lease;
    private final TaskHandler handler;
    private final TaskContext context;
    private volatile Thread thread;
    private volatile Thread heartbeat;
    private volatile boolean released;

    TaskExecution(Worker worker, Lease lease, AvailableJob offered, TaskHandler handler) {
        this.worker = worker;
        this.lease = lease;
        this.handler = handler;
        var envelope = lease.job().raw().get("input_envelope");
        this.context = new TaskContext(lease, envelope != null ? envelope : offered.inputEnvelope(),
                lease.job().maxBudgetNc() != 0 ? lease.job().maxBudgetNc() : offered.maxBudgetNc());
    }

    Lease lease() {
        return lease;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            startHeartbeat();
            work();
        } finally {
            Thread hb = heartbeat;
            if (hb != null) {
                hb.interrupt();
            }
            worker.finished(this);
        }
    }

    private void work() {
        while (true) {
            Object output;
            try {
                output = handler.handle(context);
            } catch (Throwable t) {
                if (context.isCancelled()) {
                    worker.report(lease.jobId(), context.cancelledBy());
                    return;
                }
                worker.report(lease.jobId(), t);
                boolean retryable = !(t instanceof NonRetryableException);
                String code = t instanceof NonRetryableException n ? n.code() : "handler_error";
                try {
                    worker.fail(lease, code, describe(t), retryable);
                } catch (RuntimeException e) {
                    worker.report(lease.jobId(), e);
                }
                return;
            }
            if (context.isCancelled()) {
                worker.report(lease.jobId(), context.cancelledBy());
                return; // the run lost its lease: the kernel would refuse the result
            }
            try {
                worker.submit(lease, output);
                return;
            } catch (SubmitValidationFailed e) {
                worker.report(lease.jobId(), e);
                if (e.submitAttemptsLeft() <= 0) {
                    return; // the kernel has ended the run
                }
                context.rejected(e.errors()); // ask the handler again, telling it what was wrong
            } catch (RuntimeException e) {
                worker.report(lease.jobId(), e);
                return;
            }
        }
    }

    private void startHeartbeat() {
        Duration interval = worker.heartbeatInterval(lease);
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        heartbeat = Thread.ofVirtual().name("worker-heartbeat-" + lease.jobId()).start(() -> {
            while (!context.isCancelled()) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return; // the job is done
                }
                try {
                    Instant expires = worker.heartbeat(lease);
                    context.leaseRenewed(expires);
                } catch (LeaseExpired | TaskRunNotFound lost) {
                    cancel(lost);
                    return;
                } catch (RuntimeException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    worker.report(lease.jobId(), e); // transient: the next beat may get through
                }
            }
        });
    }

    /** The run lost its job: tell the handler, and interrupt it so a cooperative handler stops early. */
    private void cancel(WorkerError why) {
        context.cancel(why);
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Shutdown ran out of grace: hand the job back to the kernel so another worker can take it at once. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        cancel(new LeaseExpired(0, "worker_shutdown", lease.jobId(), "the worker shut down before the job finished", null));
        try {
            worker.fail(lease, "worker_shutdown", "the worker shut down before finishing the job", true);
        } catch (RuntimeException e) {
            worker.report(lease.jobId(), e);
        }
    }

    /** What the caller sees in the job's error: the exception's message, not the worker's stack. */
    private static String describe(Throwable t) {
        if (t instanceof NonRetryableException && t.getMessage() != null) {
            return t.getMessage();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
