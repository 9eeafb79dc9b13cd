package com.chaojiyuyan.kernel.ops;

import com.chaojiyuyan.kernel.jobs.JobMetrics;
import com.chaojiyuyan.kernel.jobs.JobStatus;
import com.chaojiyuyan.kernel.jobs.JobStore;
import com.chaojiyuyan.kernel.signals.WorkWaiters;
import com.chaojiyuyan.kernel.storage.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics. Counts of jobs by status and queue depth come from the database (all nodes
 * agree on them), refreshed when scraped, at most every few seconds; the rest is this node's own,
 * recorded after the transaction that caused it commits (a rolled-back or retried one counts nothing).
 */
public final class KernelMetrics implements JobMetrics {
    private static final long DB_SNAPSHOT_MS = 2_000;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Database db;
    private final JobStore store;
    private final MultiGauge jobsByStatus;
    private final MultiGauge queueDepth;
    private final Timer pickupLatency;
    private volatile long snapshotAt;

    public KernelMetrics(Database db, JobStore store, WorkWaiters waiters) {
        this.db = db;
        this.store = store;
        this.jobsByStatus = MultiGauge.builder("chaojiyuyan_jobs").description("Kernel jobs by status").register(registry);
        this.queueDepth = MultiGauge.builder("chaojiyuyan_queue_depth").description("Queued jobs per capability").register(registry);
        this.pickupLatency = Timer.builder("chaojiyuyan_pickup_latency")
                .description("From a job becoming queued to a worker holding its lease")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        Gauge.builder("chaojiyuyan_waiting_long_polls", waiters, WorkWaiters::waitingCount)
                .description("Worker long-polls waiting on this node").register(registry);
    }

    @Override
    public void jobCreated(String capabilityKey) {
        registry.counter("chaojiyuyan_job_creations", "capability_key", capabilityKey).increment();
    }

    @Override
    public void pickedUp(String capabilityKey, long latencyMs) {
        pickupLatency.record(Math.max(0, latencyMs), TimeUnit.MILLISECONDS);
    }

    @Override
    public void settled(String capabilityKey, JobStatus status) {
        registry.counter("chaojiyuyan_job_settlements", "capability_key", capabilityKey, "status", status.wire()).increment();
    }

    @Override
    public void leaseExpired(String capabilityKey) {
        Counter.builder("chaojiyuyan_lease_expirations").description("Runs whose lease expired without a heartbeat")
                .tag("capability_key", capabilityKey).register(registry).increment();
    }

    /** The Prometheus text exposition, with fresh database-derived gauges. */
    public String scrape() {
        long now = System.currentTimeMillis();
        if (now - snapshotAt >= DB_SNAPSHOT_MS) {
            snapshotAt = now;
            refreshFromDatabase();
        }
        return registry.scrape();
    }

    private void refreshFromDatabase() {
        List<MultiGauge.Row<?>> statusRows = new ArrayList<>();
        List<Object[]> counts = db.read(store::countByStatus);
        for (JobStatus status : JobStatus.values()) {
            long n = counts.stream().filter(r -> status.wire().equals(r[0])).mapToLong(r -> (Long) r[1]).sum();
            statusRows.add(MultiGauge.Row.of(Tags.of("status", status.wire()), n));
        }
        jobsByStatus.register(statusRows, true);
        List<MultiGauge.Row<?>> depthRows = new ArrayList<>();
        for (Object[] r : db.read(store::queueDepth)) {
            depthRows.add(MultiGauge.Row.of(Tags.of("capability_key", (String) r[0]), (Long) r[1]));
        }
        queueDepth.register(depthRows, true);
    }
}
