// One MCP session, as a client written by others drives it: the TypeScript SDK's stdio client starts
// `chaojiyuyan mcp-server` and plays both sides of a job through its tools. It prints one JSON line per
// step (what it saw); the Java test asserts on them. The client itself checks every structuredContent
// against the tool's output schema, so a schema mismatch fails here.
//
//   node mcp-session.mjs <launcher> <capability_key>   (the server's environment comes from MCP_SERVER_ENV, a JSON object)
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";

const [launcher, capability] = process.argv.slice(2);
const serverEnv = JSON.parse(process.env.MCP_SERVER_ENV ?? "{}");
const emit = (step, data) => console.log(JSON.stringify({ step, ...data }));

const transport = new StdioClientTransport({
  command: launcher,
  args: ["mcp-server"],
  env: { ...getDefaultEnvironment(), ...serverEnv },
  stderr: "inherit",
});
const client = new Client({ name: "chaojiyuyan-it", version: "1.0.0" });
await client.connect(transport);
emit("initialized", { server: client.getServerVersion() });

const { tools } = await client.listTools();
emit("tools", { tools: tools.map((t) => ({ name: t.name, annotations: t.annotations, hasOutputSchema: !!t.outputSchema })) });

const call = (name, args, options) => client.callTool({ name, arguments: args }, undefined, options);
const outcome = (result) => (result.isError ? { isError: true, error: result.content[0].text } : { isError: false });

await call("kernel_register_capability_handler", { capability_keys: [capability] });
const created = await call("kernel_create_job", { capability_key: capability, input: { text: "from the TypeScript client" } });
const jobId = created.structuredContent.id;
emit("created", { job: created.structuredContent });

// Wait for the job while it is still queued; once the server reports progress, finish the job from this
// same client (the server runs tool calls concurrently).
const progress = [];
let firstProgress;
const progressed = new Promise((resolve) => (firstProgress = resolve));
const waiting = call("kernel_wait_for_job", { job_id: jobId, timeout_seconds: 45 }, {
  timeout: 60_000,
  onprogress: (p) => {
    progress.push(p);
    firstProgress();
  },
});
await progressed;

const claim = await call("kernel_claim_job", { capability_key: capability, wait_seconds: 10 });
emit("claimed", { claim: claim.structuredContent, ...outcome(claim) });
const submitted = await call("kernel_submit_job", {
  job_id: jobId,
  output: { echo: claim.structuredContent.input.text },
  artifacts: [{ name: "note.txt", content_type: "text/plain; charset=utf-8", text: "an artifact from the TypeScript client" }],
});
emit("submitted", { job: submitted.structuredContent, ...outcome(submitted) });

const waited = await waiting;
emit("waited", { job: waited.structuredContent, ...outcome(waited), progress });

const artifacts = await call("kernel_list_artifacts", { job_id: jobId });
const downloads = [];
for (const artifact of artifacts.structuredContent.artifacts) {
  const response = await fetch(artifact.url, { headers: { authorization: `Bearer ${serverEnv.CHAOJIYUYAN_API_KEY}` } });
  downloads.push({ url: artifact.url, status: response.status, body: await response.text() });
}
emit("artifacts", { artifacts: artifacts.structuredContent.artifacts, downloads });

const unknown = await call("kernel_create_job", { capability_key: "does.not.exist.v1", input: {} });
emit("unknown_capability", {
  isError: unknown.isError ?? false,
  hasStructuredContent: unknown.structuredContent !== undefined,
  error: JSON.parse(unknown.content[0].text),
});

await client.close();
emit("closed", {});
