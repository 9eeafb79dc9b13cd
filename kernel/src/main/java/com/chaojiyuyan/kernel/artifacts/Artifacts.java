package com.chaojiyuyan.kernel.artifacts;

import com.chaojiyuyan.kernel.auth.Principal;
import com.chaojiyuyan.kernel.http.Api;
import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.jobs.Job;
import com.chaojiyuyan.kernel.jobs.JobArtifacts;
import com.chaojiyuyan.kernel.jobs.JobStatus;
import com.chaojiyuyan.kernel.jobs.Jobs;
import com.chaojiyuyan.kernel.jobs.TaskRun;
import com.chaojiyuyan.kernel.storage.Database;
import com.chaojiyuyan.kernel.storage.Ids;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.node.ObjectNode;

/**
 * Job artifacts: the bytes go to the {@link BlobStore} before the submit's transaction, the rows are
 * written in it (so they commit or roll back with the job's success), and a job's views list them.
 *
 * <p>Blobs are written first, outside the transaction, so that no database lock is held while megabytes
 * reach the disk. A submit that then fails (its lease passed meanwhile, say) leaves blobs no row names.
 * They are accepted as garbage: content addressing makes a retry reuse them, {@code Leases} writes blobs
 * only after checking that the submit is likely to be accepted, and {@link BlobStore#delete} with the
 * sha256 index on job_artifacts is what a later collector of unreferenced blobs needs.
 */
public final class Artifacts implements JobArtifacts {
    private final Database db;
    private final ArtifactStore store;
    private final BlobStore blobs;
    private final Supplier<String> publicUrl;

    public Artifacts(Database db, ArtifactStore store, BlobStore blobs, Supplier<String> publicUrl) {
        this.db = db;
        this.store = store;
        this.blobs = blobs;
        this.publicUrl = publicUrl;
    }

    /** Writes the bytes of the inline artifacts; a blob already stored is not written again. */
    public void storeBlobs(List<SubmittedArtifact> artifacts) {
        for (SubmittedArtifact a : artifacts) {
            if (!a.inline()) {
                continue;
            }
            try {
                String stored = blobs.put(a.data());
                if (!stored.equals(a.sha256())) {
                    throw new IllegalStateException("blob store answered " + stored + " for bytes hashing to " + a.sha256());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store artifact '" + a.name() + "'", e);
            }
        }
    }

    /** The artifact rows of an accepted submit, in its transaction; their blobs were stored before. */
    public void record(Handle h, Job job, TaskRun run, List<SubmittedArtifact> artifacts, long now) {
        int position = 0;
        for (SubmittedArtifact a : artifacts) {
            store.insert(h, new Artifact(Ids.newId("art", now), job.id(), run.id(), position++, a.name(), a.contentType(),
                    a.inline() ? (long) a.data().length : null, a.sha256(), a.url(), now));
        }
    }

    /** Only a succeeded job has artifacts: they come with the accepted submit. */
    @Override
    public List<ObjectNode> of(Job job) {
        if (job.status() != JobStatus.SUCCEEDED) {
            return List.of();
        }
        return db.read(h -> of(h, job));
    }

    @Override
    public Map<String, List<ObjectNode>> ofAll(List<Job> jobs) {
        List<String> succeeded = jobs.stream().filter(j -> j.status() == JobStatus.SUCCEEDED).map(Job::id).toList();
        Map<String, List<ObjectNode>> out = new HashMap<>();
        if (!succeeded.isEmpty()) {
            for (Artifact a : db.read(h -> store.ofJobs(h, succeeded))) {
                out.computeIfAbsent(a.jobId(), id -> new ArrayList<>()).add(view(a));
            }
        }
        return out;
    }

    /**
     * The same, read through {@code h}: for code running inside the submit's transaction (a settlement
     * hook), which must see the rows it has not committed yet; another connection would not.
     */
    public List<ObjectNode> of(Handle h, Job job) {
        return store.ofJob(h, job.id()).stream().map(this::view).toList();
    }

    private ObjectNode view(Artifact a) {
        ObjectNode out = Json.object();
        out.put("id", a.id());
        out.put("name", a.name());
        out.put("content_type", a.contentType());
        out.put("size_bytes", a.sizeBytes());
        out.put("sha256", a.sha256());
        out.put("url", a.inline() ? downloadUrl(a) : a.url());
        return out;
    }

    private String downloadUrl(Artifact a) {
        return publicUrl.get() + Api.PREFIX + "/kernel-jobs/" + a.jobId() + "/artifacts/" + a.id();
    }

    /**
     * An artifact's row, if {@code caller} may read it: the job's caller (its agent or owner), or the
     * worker whose submit produced it. Anyone else gets the same 404 as for a missing artifact.
     */
    public Artifact find(Principal caller, Jobs.Visible visible, String artifactId) {
        Job job = visible.job();
        String jobId = job.id();
        boolean producer = caller instanceof Principal.Agent agent && agent.agentId().equals(job.workerAgentId());
        if (!visible.asCaller() && !producer) {
            throw ApiException.notFound("artifact");
        }
        if (!Ids.looksLike("art", artifactId)) {
            throw ApiException.notFound("artifact");
        }
        return db.read(h -> store.find(h, jobId, artifactId)).orElseThrow(() -> ApiException.notFound("artifact"));
    }

    /** Opens an inline artifact's bytes. By-reference artifacts have none here: fetch their {@code url}. */
    public InputStream open(Artifact artifact) {
        if (!artifact.inline()) {
            throw new ApiException(404, "not_found",
                    "artifact " + artifact.id() + " is stored by reference; fetch it from its url");
        }
        try {
            return blobs.open(artifact.sha256()).orElseThrow(() -> new IllegalStateException(
                    "blob " + artifact.sha256() + " of artifact " + artifact.id() + " is missing from the blob store"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
