package com.chaojiyuyan.kernel.workers;

import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.storage.Database;
import java.util.ArrayList;
import java.util.List;

/** Which capabilities each agent serves as a worker (agent_capabilities). */
public final class WorkerRegistry {
    private final Database db;

    public WorkerRegistry(Database db) {
        this.db = db;
    }

    /** Registers the agent for {@code keys} (idempotent); 400 unknown_capability naming any key not in the catalog. */
    public List<String> register(String agentId, List<String> keys, long now) {
        if (keys.isEmpty()) {
            throw ApiException.invalidRequest("'capability_keys' must name at least one capability");
        }
        return db.transaction(h -> {
            List<String> unknown = new ArrayList<>();
            for (String key : keys) {
                boolean exists = h.createQuery("SELECT COUNT(*) FROM capability_specs WHERE capability_key = :key")
                        .bind("key", key).mapTo(Long.class).one() > 0;
                if (!exists) {
                    unknown.add(key);
                }
            }
            if (!unknown.isEmpty()) {
                throw ApiException.badRequest("unknown_capability", "not in the catalog: " + String.join(", ", unknown))
                        .with("unknown", unknown);
            }
            for (String key : keys) {
                h.createUpdate("""
                                INSERT INTO agent_capabilities (agent_id, capability_key, created_at) VALUES (:agent, :key, :now)
                                ON CONFLICT (agent_id, capability_key) DO NOTHING""")
                        .bind("agent", agentId).bind("key", key).bind("now", now).execute();
            }
            return capabilities(h, agentId);
        });
    }

    public List<String> capabilities(String agentId) {
        return db.read(h -> capabilities(h, agentId));
    }

    private static List<String> capabilities(org.jdbi.v3.core.Handle h, String agentId) {
        return h.createQuery("SELECT capability_key FROM agent_capabilities WHERE agent_id = :agent ORDER BY capability_key")
                .bind("agent", agentId).mapTo(String.class).list();
    }

    /** Removes one registration; false when the agent did not serve that capability. */
    public boolean remove(String agentId, String key) {
        return db.transaction(h -> h.createUpdate("DELETE FROM agent_capabilities WHERE agent_id = :agent AND capability_key = :key")
                .bind("agent", agentId).bind("key", key).execute()) == 1;
    }

    /** The agent's capabilities; 403 worker_not_enabled when it serves none. */
    public List<String> requireWorker(String agentId) {
        List<String> caps = capabilities(agentId);
        if (caps.isEmpty()) {
            throw ApiException.forbidden("worker_not_enabled",
                    "this agent has registered no capability handler; POST /kernel-agents/me/capabilities first");
        }
        return caps;
    }
}
