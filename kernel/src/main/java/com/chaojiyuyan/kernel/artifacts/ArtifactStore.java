package com.chaojiyuyan.kernel.artifacts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Every statement over job_artifacts. Rows are written once, with the submit that brings them, and never change. */
public final class ArtifactStore {
    private static final String COLUMNS = "id, job_id, task_run_id, position, name, content_type, size_bytes, sha256, url, created_at";

    public void insert(Handle h, Artifact a) {
        h.createUpdate("INSERT INTO job_artifacts (" + COLUMNS + ") VALUES (:id, :job, :run, :position, :name, :type,"
                        + " :size, :sha256, :url, :now)")
                .bind("id", a.id()).bind("job", a.jobId()).bind("run", a.taskRunId()).bind("position", a.position())
                .bind("name", a.name()).bind("type", a.contentType()).bind("size", a.sizeBytes())
                .bind("sha256", a.sha256()).bind("url", a.url()).bind("now", a.createdAt())
                .execute();
    }

    /** A job's artifacts in the order the worker submitted them. */
    public List<Artifact> ofJob(Handle h, String jobId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM job_artifacts WHERE job_id = :job ORDER BY position")
                .bind("job", jobId).map((rs, ctx) -> artifact(rs)).list();
    }

    /** The artifacts of several jobs, each job's in submitted order: one query for a page of a listing. */
    public List<Artifact> ofJobs(Handle h, List<String> jobIds) {
        return h.createQuery("SELECT " + COLUMNS + " FROM job_artifacts WHERE job_id IN (<jobs>) ORDER BY job_id, position")
                .bindList("jobs", jobIds).map((rs, ctx) -> artifact(rs)).list();
    }

    public Optional<Artifact> find(Handle h, String jobId, String artifactId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM job_artifacts WHERE id = :id AND job_id = :job")
                .bind("id", artifactId).bind("job", jobId).map((rs, ctx) -> artifact(rs)).findOne();
    }

    private static Artifact artifact(ResultSet rs) throws SQLException {
        long size = rs.getLong("size_bytes");
        Long sizeBytes = rs.wasNull() ? null : size;
        return new Artifact(rs.getString("id"), rs.getString("job_id"), rs.getString("task_run_id"), rs.getInt("position"),
                rs.getString("name"), rs.getString("content_type"), sizeBytes, rs.getString("sha256"), rs.getString("url"),
                rs.getLong("created_at"));
    }
}
