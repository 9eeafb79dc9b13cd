package com.chaojiyuyan.agents.kernel;

import com.chaojiyuyan.agents.Agent;
import com.chaojiyuyan.agents.AgentTool;
import com.chaojiyuyan.agents.AgentTool.Scope;
import com.chaojiyuyan.agents.ToolAnnotations;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The kernel agent: the eight {@code kernel_*} tools, over the Java SDK. Callers list capabilities,
 * create jobs and follow them; workers register, claim one job at a time (its lease kept alive here)
 * and submit. This class only declares the tools; {@link CallerTools} and {@link WorkerTools} run them.
 *
 * <p>Annotations, truthfully: reads are read-only and idempotent. Creating a job is additive (never
 * destructive), not idempotent (each call makes a new job unless an {@code idempotency_key} is given),
 * and open-world: its input goes to whichever worker bids, possibly a third party's, and it may spend
 * credits. Registering is idempotent. Claiming takes a job off the queue (not idempotent). Submitting is
 * idempotent: the kernel answers a repeated identical submit with the same job and never settles twice.
 */
public final class KernelAgent {
    /** The agent's name, and the prefix of its tools. */
    public static final String NAME = "kernel";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A wait answers within this many seconds (MCP clients drop a result after about 60 s). */
    static final int MAX_WAIT_SECONDS = 50;
    static final int DEFAULT_WAIT_SECONDS = 45;
    static final int MAX_CLAIM_WAIT_SECONDS = 40;
    static final int DEFAULT_CLAIM_WAIT_SECONDS = 20;
    static final int DEFAULT_MAX_HOLD_SECONDS = 600;
    static final int MAX_MAX_HOLD_SECONDS = 3600;

    private static final String JOB_ID = """
            {"type":"string","minLength":1,"description":"The job's id (job_...), as kernel_create_job or kernel_claim_job answered it."}""";

    private static final String ARTIFACT = """
            {"type":"object","description":"A file handed in with the job's result.",
             "properties":{
               "id":{"type":"string","description":"The artifact's id (art_...)."},
               "name":{"type":"string","description":"Its file name."},
               "content_type":{"type":"string","description":"Its media type, e.g. image/png."},
               "size_bytes":{"type":["integer","null"],"description":"Its size; null when stored by reference."},
               "sha256":{"type":["string","null"],"description":"SHA-256 of its bytes in hex; null when stored by reference."},
               "url":{"type":"string","description":"Absolute URL: the kernel's download URL (GET with the same agent key as a Bearer token), or the worker's own URL for an artifact stored by reference."}
             },
             "required":["id","name","content_type","url"]}""";

    private static final String JOB = """
            {"type":"object","description":"A kernel job.",
             "properties":{
               "id":{"type":"string","description":"The job's id (job_...)."},
               "capability_key":{"type":"string","description":"The capability it calls."},
               "status":{"type":"string","enum":["queued","running","succeeded","failed","cancelled","expired"],
                         "description":"queued (open for bids), running (a worker holds it), then one of the terminal succeeded, failed, cancelled, expired."},
               "input":{"description":"The input it was created with."},
               "output":{"description":"The worker's output once succeeded, else null."},
               "error":{"type":["object","null"],"description":"Why it failed ({code, message}), else null."},
               "artifacts":{"type":"array","items":%s,"description":"Files handed in with the output."},
               "attempt":{"type":"integer","description":"Worker runs started so far."},
               "max_attempts":{"type":"integer","description":"Worker runs allowed."},
               "max_budget_nc":{"type":"integer","description":"Credits held for it."},
               "cost_nc":{"type":["integer","null"],"description":"Credits it cost once settled."},
               "created_at":{"type":"string","description":"When it was created (RFC 3339)."},
               "finished_at":{"type":["string","null"],"description":"When it ended (RFC 3339), else null."},
               "view_url":{"type":["string","null"],"description":"Its page in the web console."}
             },
             "required":["id","capability_key","status"]}""".formatted(ARTIFACT);

    private KernelAgent() {
    }

    /** The kernel agent over {@code kernel} (opened on the first call that needs it). */
    public static Agent create(KernelConnection kernel) {
        CallerTools caller = new CallerTools(kernel);
        WorkerTools worker = new WorkerTools(kernel);
        return new Agent(NAME, "Calls capabilities on the chaojiyuyan kernel and serves them as a worker.", List.of(
                new AgentTool("kernel_list_capabilities", Scope.CALLER, "List capabilities",
                        "Lists the kernel's capability catalog: each capability's key, name, description, price in credits "
                                + "(price_nc) and the JSON Schemas of its input and output. Use it to find what to call "
                                + "with kernel_create_job and what input it takes.",
                        schema("""
                                {"type":"object","properties":{},"additionalProperties":false}"""),
                        schema("""
                                {"type":"object","properties":{
                                  "capabilities":{"type":"array","description":"The catalog, in key order.","items":{"type":"object",
                                    "properties":{
                                      "capability_key":{"type":"string","description":"Dotted key to call, e.g. test.echo.v1."},
                                      "name":{"type":"string","description":"Short human name."},
                                      "description":{"type":["string","null"],"description":"What it does."},
                                      "input_schema":{"description":"JSON Schema of a job's input."},
                                      "output_schema":{"description":"JSON Schema of a worker's output."},
                                      "price_nc":{"type":"integer","description":"Credits a successful job costs."},
                                      "status":{"type":"string","description":"active, or deprecated (takes no new jobs)."}
                                    },
                                    "required":["capability_key"]}}},
                                 "required":["capabilities"]}"""),
                        ToolAnnotations.readOnly(), caller::listCapabilities),
                new AgentTool("kernel_create_job", Scope.CALLER, "Create a job (call a capability)",
                        "Calls a capability: creates a kernel job with the given input (it must match the capability's "
                                + "input_schema) and answers the job, usually queued. Workers pick it up; follow it with "
                                + "kernel_wait_for_job or kernel_get_job. May spend credits (max_budget_nc, default: the "
                                + "capability's price). Give an idempotency_key to make retries safe.",
                        schema("""
                                {"type":"object","properties":{
                                  "capability_key":{"type":"string","minLength":1,"description":"The capability to call, e.g. test.echo.v1 (see kernel_list_capabilities)."},
                                  "input":{"type":"object","description":"The job's input, matching the capability's input_schema, e.g. {\\"text\\": \\"hi\\"}."},
                                  "idempotency_key":{"type":"string","minLength":1,"description":"Optional: a key of yours; repeating a call with the same key and input answers the original job instead of making another."},
                                  "max_budget_nc":{"type":"integer","minimum":0,"description":"Optional: credits to hold for the job (at least its price; default the price)."},
                                  "callback_url":{"type":"string","minLength":1,"description":"Optional: an https URL the kernel POSTs the settled job to (signed webhook)."}
                                },
                                "required":["capability_key","input"],"additionalProperties":false}"""),
                        schema(JOB),
                        new ToolAnnotations(false, false, false, true), caller::createJob),
                new AgentTool("kernel_get_job", Scope.CALLER, "Get a job",
                        "Answers a job as it is now: status, output once succeeded, error once failed, artifacts.",
                        schema("""
                                {"type":"object","properties":{"job_id":%s},"required":["job_id"],"additionalProperties":false}"""
                                .formatted(JOB_ID)),
                        schema(JOB),
                        ToolAnnotations.readOnly(), caller::getJob),
                new AgentTool("kernel_wait_for_job", Scope.CALLER, "Wait for a job to finish",
                        "Waits until the job is finished (succeeded, failed, cancelled or expired) and answers it; check "
                                + "its status, a finished job may be a failure. Answers within " + MAX_WAIT_SECONDS + " s at most: "
                                + "if the job is still queued or running by then, the call ends with the error job_timeout "
                                + "(carrying job_id and status) and you may simply call it again to keep waiting. Reports "
                                + "progress while it waits.",
                        schema("""
                                {"type":"object","properties":{
                                  "job_id":%s,
                                  "timeout_seconds":{"type":"integer","minimum":1,"description":"How long to wait, in seconds (default %d; more than %d is capped at %d)."}
                                },
                                "required":["job_id"],"additionalProperties":false}"""
                                .formatted(JOB_ID, DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS, MAX_WAIT_SECONDS)),
                        schema(JOB),
                        ToolAnnotations.readOnly(), caller::waitForJob),
                new AgentTool("kernel_list_artifacts", Scope.CALLER, "List a job's artifacts",
                        "Lists the files a job's worker handed in with its output, each with an absolute download URL "
                                + "(fetch it with the same agent key as a Bearer token).",
                        schema("""
                                {"type":"object","properties":{"job_id":%s},"required":["job_id"],"additionalProperties":false}"""
                                .formatted(JOB_ID)),
                        schema("""
                                {"type":"object","properties":{
                                  "job_id":{"type":"string","description":"The job."},
                                  "status":{"type":"string","description":"The job's status."},
                                  "artifacts":{"type":"array","items":%s,"description":"Its artifacts (empty until it has succeeded with some)."}
                                },
                                "required":["job_id","status","artifacts"]}""".formatted(ARTIFACT)),
                        ToolAnnotations.readOnly(), caller::listArtifacts),
                new AgentTool("kernel_register_capability_handler", Scope.WORKER, "Serve capabilities",
                        "Registers this agent as a worker for capabilities, so that it may claim their jobs with "
                                + "kernel_claim_job. Idempotent; answers every capability the agent now serves.",
                        schema("""
                                {"type":"object","properties":{
                                  "capability_keys":{"type":"array","minItems":1,"items":{"type":"string","minLength":1},
                                                     "description":"The capabilities to serve, e.g. [\\"test.echo.v1\\"]."}
                                },
                                "required":["capability_keys"],"additionalProperties":false}"""),
                        schema("""
                                {"type":"object","properties":{
                                  "capability_keys":{"type":"array","items":{"type":"string"},"description":"Every capability this agent serves now."}
                                },
                                "required":["capability_keys"]}"""),
                        new ToolAnnotations(false, false, true, false), worker::register),
                new AgentTool("kernel_claim_job", Scope.WORKER, "Claim a job to work on",
                        "Waits for a queued job of a capability this agent serves, bids on it and, when the bid wins, "
                                + "answers the job's input, the output_schema the result must match, and the task run. The "
                                + "lease is kept alive here in the background until kernel_submit_job, for at most "
                                + "max_hold_seconds; then the job is released to other workers. Answers claimed=false when "
                                + "no job came within wait_seconds.",
                        schema("""
                                {"type":"object","properties":{
                                  "capability_key":{"type":"string","minLength":1,"description":"Optional: claim only a job of this capability (default: any capability this agent serves)."},
                                  "wait_seconds":{"type":"integer","minimum":0,"maximum":%d,"description":"How long to wait for a job to arrive (default %d)."},
                                  "max_hold_seconds":{"type":"integer","minimum":1,"maximum":%d,"description":"How long to hold the job at most before it is released unsubmitted (default %d)."}
                                },
                                "additionalProperties":false}"""
                                .formatted(MAX_CLAIM_WAIT_SECONDS, DEFAULT_CLAIM_WAIT_SECONDS, MAX_MAX_HOLD_SECONDS, DEFAULT_MAX_HOLD_SECONDS)),
                        schema("""
                                {"type":"object","properties":{
                                  "claimed":{"type":"boolean","description":"Whether a job was claimed; false when none came in time."},
                                  "message":{"type":"string","description":"What happened, for a person."},
                                  "job_id":{"type":"string","description":"The claimed job; submit its result with kernel_submit_job."},
                                  "task_run_id":{"type":"string","description":"This worker's run on the job (tr_...)."},
                                  "capability_key":{"type":"string","description":"The job's capability."},
                                  "input":{"description":"The job's input: what to work on."},
                                  "output_schema":{"description":"JSON Schema the submitted output must match."},
                                  "attempt":{"type":"integer","description":"Which attempt this run is."},
                                  "max_budget_nc":{"type":"integer","description":"Credits the caller holds for the job."},
                                  "lease_expires_at":{"type":"string","description":"When the lease passes unless renewed (it is renewed here)."},
                                  "heartbeat_seconds":{"type":"integer","description":"How often the lease is renewed."},
                                  "hold_until":{"type":"string","description":"When the claim is released if not submitted by then (RFC 3339)."},
                                  "submit_attempts_left":{"type":"integer","description":"Submits the run may make (an output failing the schema uses one)."}
                                },
                                "required":["claimed","message"]}"""),
                        new ToolAnnotations(false, false, false, false), worker::claim),
                new AgentTool("kernel_submit_job", Scope.WORKER, "Submit a claimed job's result",
                        "Submits the output (and optional artifacts) of a job claimed with kernel_claim_job; the job "
                                + "succeeds and is settled, and the background lease renewal stops. An output that fails "
                                + "the capability's output_schema is refused with submit_validation_failed (with errors and "
                                + "submit_attempts_left); the claim is kept, so fix the output and submit again.",
                        schema("""
                                {"type":"object","properties":{
                                  "job_id":%s,
                                  "output":{"description":"The result, matching the capability's output_schema (kernel_claim_job answered it), e.g. {\\"echo\\": \\"hi\\"}."},
                                  "artifacts":{"type":"array","description":"Optional files to hand in with the output (at most 32, names unique).",
                                    "items":{"type":"object","properties":{
                                      "name":{"type":"string","minLength":1,"description":"File name, e.g. report.txt."},
                                      "content_type":{"type":"string","minLength":1,"description":"Media type, e.g. text/plain; charset=utf-8."},
                                      "text":{"type":"string","description":"The content as text (stored as UTF-8 bytes)."},
                                      "data_base64":{"type":"string","description":"The content as standard base64."},
                                      "url":{"type":"string","description":"Instead of content: an absolute http(s) URL where the file is."}
                                    },
                                    "required":["name","content_type"],
                                    "oneOf":[{"required":["text"]},{"required":["data_base64"]},{"required":["url"]}],
                                    "additionalProperties":false}},
                                  "task_run_id":{"type":"string","minLength":1,"description":"Optional: the run of a claim made by another process (tr_...); not needed for a claim made through this server."}
                                },
                                "required":["job_id","output"],"additionalProperties":false}""".formatted(JOB_ID)),
                        schema(JOB),
                        new ToolAnnotations(false, false, true, false), worker::submit)));
    }

    private static JsonNode schema(String json) {
        return JSON.readTree(json);
    }
}
