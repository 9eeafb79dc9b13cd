package com.chaojiyuyan.kernel.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Real things for the fuzzer to aim at on one kernel: a credential of each kind, and ids that exist
 * (jobs in several states, a run, an artifact, a spare agent and key, a webhook endpoint, a device
 * code), so random requests reach the handlers behind the id checks. Things a request may destroy
 * (revoking a key, deleting an endpoint) are spares, never the credentials the fuzzer uses.
 */
final class FuzzFixtures {
    final TestKernel kernel;
    final String admin;
    final TestKernel.Owner owner;
    final TestKernel.Agent caller;
    final TestKernel.Agent worker;
    final String capability;
    final String spareAgentId;
    final String spareKeyId;
    final String endpointId;
    final String succeededJob;
    final String succeededRun;
    final String artifactId;
    final String cancelledJob;
    final String queuedJob;
    final String userCode;
    final String deviceCode;

    FuzzFixtures(TestKernel kernel) {
        this.kernel = kernel;
        HttpApi api = kernel.api();
        this.admin = kernel.adminToken();
        this.owner = kernel.newOwner();
        kernel.grantCredits(owner, 1_000_000);
        this.caller = kernel.newAgent(owner, "fuzz-caller");
        this.capability = kernel.newCapability(Map.of("price_nc", 1));
        this.worker = kernel.newWorker(capability);

        HttpApi.Response spare = api.post("/agents", owner.token(), Map.of("name", "spare"));
        this.spareAgentId = spare.json().get("agent").get("id").asString();
        this.spareKeyId = api.get("/agents", owner.token()).json().get("items").valueStream()
                .filter(a -> a.get("id").asString().equals(spareAgentId)).findFirst().orElseThrow()
                .get("keys").get(0).get("id").asString();
        HttpApi.Response endpoint = api.post("/webhook-endpoints", owner.token(),
                Map.of("url", "https://example.org/fuzz", "description", "fuzz"));
        assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
        this.endpointId = endpoint.get("id").asString();

        this.succeededJob = kernel.createJob(caller, capability, "done").get("id").asString();
        this.succeededRun = kernel.bidAccepted(worker, succeededJob).get("task_run_id").asString();
        HttpApi.Response submitted = api.post("/kernel-jobs/" + succeededJob + "/submit", worker.key(), Map.of(
                "task_run_id", succeededRun, "output", Map.of("echo", "done"),
                "artifacts", List.of(Map.of("name", "a.txt", "content_type", "text/plain",
                        "data_base64", Base64.getEncoder().encodeToString("artifact".getBytes())))));
        assertThat(submitted.status()).as(submitted.toString()).isEqualTo(200);
        this.artifactId = submitted.json().get("artifacts").get(0).get("id").asString();
        this.cancelledJob = kernel.createJob(caller, capability, "cancelled").get("id").asString();
        assertThat(api.post("/kernel-jobs/" + cancelledJob + "/cancel", caller.key(), null).status()).isEqualTo(200);
        this.queuedJob = kernel.createJob(caller, capability, "queued").get("id").asString();

        HttpApi.Response device = api.post("/oauth/device/authorize", null, Map.of("client_name", "fuzz"));
        assertThat(device.status()).as(device.toString()).isEqualTo(200);
        this.userCode = device.get("user_code").asString();
        this.deviceCode = device.get("device_code").asString();
    }

    /** A fixture value for a path parameter of this name. */
    List<String> forPathParam(String name) {
        return switch (name) {
            case "job_id" -> List.of(succeededJob, cancelledJob, queuedJob);
            case "agent_id" -> List.of(spareAgentId);
            case "key_id" -> List.of(spareKeyId);
            case "capability_key" -> List.of(capability, "test.echo.v1");
            case "endpoint_id" -> List.of(endpointId);
            case "artifact_id" -> List.of(artifactId);
            default -> List.of("x");
        };
    }

    /** Strings that mean something to the server, for string members of bodies and query values. */
    List<String> meaningfulStrings() {
        return List.of(capability, "test.echo.v1", succeededJob, queuedJob, succeededRun, caller.id(), owner.id(), spareAgentId,
                endpointId, userCode, deviceCode, "urn:ietf:params:oauth:grant-type:device_code", owner.email(),
                TestKernel.ADMIN_EMAIL, "https://example.org/hook", "http://127.0.0.1:1/x", "http://169.254.169.254/latest",
                "http://[::1]/", "javascript:alert(1)", "queued", "running", "succeeded", "cancelled");
    }
}
