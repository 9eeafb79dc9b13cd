package com.chaojiyuyan.kernel.webhooks;

import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.jobs.Job;
import com.chaojiyuyan.kernel.jobs.SettlementHooks;
import com.chaojiyuyan.kernel.storage.Ids;
import java.time.Clock;
import java.util.function.BiFunction;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.node.ObjectNode;

/**
 * The transactional outbox: in the transaction that makes a job terminal, one delivery row per target
 * (the job's callback_url, and each active endpoint of its owner). The settlement and its webhooks
 * commit together or not at all, so a crash after the commit loses no webhook: any node's
 * {@link WebhookDispatcher} finds the rows and sends them.
 */
public final class WebhookOutbox implements SettlementHooks {
    public static final String JOB_SETTLED = "job.settled";

    private final WebhookStore store;
    /** The job's caller view, read through the settling transaction (which sees its own uncommitted rows). */
    private final BiFunction<Handle, Job, ObjectNode> jobView;
    private final Clock clock;
    private final Runnable wakeDispatcher;

    WebhookOutbox(WebhookStore store, BiFunction<Handle, Job, ObjectNode> jobView, Clock clock, Runnable wakeDispatcher) {
        this.store = store;
        this.jobView = jobView;
        this.clock = clock;
        this.wakeDispatcher = wakeDispatcher;
    }

    @Override
    public void onCreated(Handle tx, Job job) {
    }

    @Override
    public void onSettled(Handle tx, Job job) {
        long now = clock.millis();
        boolean any = false;
        if (job.callbackUrl() != null) {
            insert(tx, job, null, job.callbackUrl(), now);
            any = true;
        }
        for (WebhookStore.Endpoint e : store.activeEndpoints(tx, job.ownerId())) {
            insert(tx, job, e.id(), e.url(), now);
            any = true;
        }
        if (any) {
            tx.afterCommit(wakeDispatcher::run);
        }
    }

    private void insert(Handle tx, Job job, String endpointId, String url, long now) {
        String id = Ids.newId("msg", now);
        ObjectNode event = Json.object();
        event.put("type", JOB_SETTLED);
        event.put("id", id);
        event.put("created_at", Json.time(now));
        event.put("job_id", job.id());
        event.set("data", jobView.apply(tx, job));
        store.insertDelivery(tx, new WebhookStore.Delivery(id, job.id(), job.ownerId(), endpointId, url, JOB_SETTLED,
                Json.write(event), WebhookStore.PENDING, 0, now, null, null, now, now, null));
    }
}
