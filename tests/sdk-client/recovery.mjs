// Drives verification and recovery with the official Kratos SDK as a native app and as a browser, reads
// the codes from the admin courier API, and checks every response against the schemas of Kratos's
// OpenAPI document so that a shape mismatch fails.
//
//   node recovery.mjs <public base URL> <admin base URL> <path of Kratos's api.json>
import { readFileSync } from "node:fs";
import { Configuration, CourierApi, FrontendApi, IdentityApi } from "@ory/kratos-client";
import { openApiChecker } from "./openapi-check.mjs";

const [publicUrl, adminUrl, apiJsonPath] = process.argv.slice(2);
const schemas = openApiChecker(JSON.parse(readFileSync(apiJsonPath, "utf8")));
const frontend = new FrontendApi(new Configuration({ basePath: publicUrl.replace(/\/$/, "") }));
const admin = new Configuration({ basePath: adminUrl.replace(/\/$/, "") });
const identities = new IdentityApi(admin);
const courier = new CourierApi(admin);
const password = "an-sdk-passphrase-that-is-long";

// Every response is checked against the named schema of Kratos's OpenAPI document.
function check(value, schema, path) {
  schemas.check(value, schema.$ref.split("/").pop(), path);
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const ref = (name) => ({ $ref: `#/components/schemas/${name}` });

function newEmail(prefix) {
  return `${prefix}-${Date.now()}-${Math.random().toString(16).slice(2)}@example.com`;
}

async function createIdentity(email) {
  const { data } = await identities.createIdentity({
    createIdentityBody: { schema_id: "default", traits: { email }, credentials: { password: { config: { password } } } },
  });
  check(data, ref("identity"), "identity");
  return data;
}

// The newest message to an address, from the admin courier API; its body holds the code.
async function codeSentTo(email) {
  for (let i = 0; i < 100; i++) {
    const { data } = await courier.listCourierMessages({ recipient: email });
    if (data.length > 0) {
      data.forEach((m, k) => check(m, ref("message"), `message[${k}]`));
      const text = data[0].body.replace(/https?:\/\/\S+/g, " ");
      const code = text.match(/(?<![\w-])\d{6}(?![\w-])/);
      expect(code, `the message to ${email} holds no code: ${data[0].body}`);
      return code[0];
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no message to ${email} was queued`);
}

function cookiesFrom(response, jar) {
  for (const header of response.headers["set-cookie"] || []) {
    const [pair] = header.split(";");
    const [name, ...rest] = pair.split("=");
    jar.set(name.trim(), rest.join("="));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

function csrf(flow) {
  return flow.ui.nodes.find((n) => n.attributes.name === "csrf_token").attributes.value;
}

async function nativeVerification() {
  const email = newEmail("sdk-verify");
  const identity = await createIdentity(email);
  const { data: flow } = await frontend.createNativeVerificationFlow();
  check(flow, ref("verificationFlow"), "verificationFlow");
  const { data: sent } = await frontend.updateVerificationFlow({
    flow: flow.id, updateVerificationFlowBody: { method: "code", email },
  });
  check(sent, ref("verificationFlow"), "verificationFlow(sent)");
  expect(sent.state === "sent_email", `state after sending: ${sent.state}`);
  const { data: fetched } = await frontend.getVerificationFlow({ id: flow.id });
  check(fetched, ref("verificationFlow"), "getVerificationFlow");

  const { data: done } = await frontend.updateVerificationFlow({
    flow: flow.id, updateVerificationFlowBody: { method: "code", code: await codeSentTo(email) },
  });
  check(done, ref("verificationFlow"), "verificationFlow(done)");
  expect(done.state === "passed_challenge", `state after the code: ${done.state}`);
  const { data: verified } = await identities.getIdentity({ id: identity.id });
  expect(verified.verifiable_addresses[0].verified === true, "the address was not verified");
}

async function browserVerification() {
  const jar = new Map();
  const email = newEmail("sdk-verify-browser");
  await createIdentity(email);
  const created = await frontend.createBrowserVerificationFlow();
  check(created.data, ref("verificationFlow"), "verificationFlow(browser)");
  const cookie = cookiesFrom(created, jar);
  const { data: sent } = await frontend.updateVerificationFlow({
    flow: created.data.id, cookie, updateVerificationFlowBody: { method: "code", email, csrf_token: csrf(created.data) },
  });
  check(sent, ref("verificationFlow"), "verificationFlow(browser, sent)");
  const { data: done } = await frontend.updateVerificationFlow({
    flow: created.data.id, cookie, updateVerificationFlowBody: { method: "code", code: await codeSentTo(email), csrf_token: csrf(sent) },
  });
  expect(done.state === "passed_challenge", `browser state after the code: ${done.state}`);
}

async function nativeRecovery() {
  const email = newEmail("sdk-recover");
  await createIdentity(email);
  const { data: flow } = await frontend.createNativeRecoveryFlow();
  check(flow, ref("recoveryFlow"), "recoveryFlow");
  const { data: sent } = await frontend.updateRecoveryFlow({
    flow: flow.id, updateRecoveryFlowBody: { method: "code", email },
  });
  check(sent, ref("recoveryFlow"), "recoveryFlow(sent)");
  expect(sent.state === "sent_email", `state after sending: ${sent.state}`);

  // A wrong code answers the flow with its message.
  const { data: wrong } = await frontend.updateRecoveryFlow({
    flow: flow.id, updateRecoveryFlowBody: { method: "code", code: "000000" },
  });
  check(wrong, ref("recoveryFlow"), "recoveryFlow(wrong code)");

  const { data: done } = await frontend.updateRecoveryFlow({
    flow: flow.id, updateRecoveryFlowBody: { method: "code", code: await codeSentTo(email) },
  });
  check(done, ref("recoveryFlow"), "recoveryFlow(done)");
  const token = done.continue_with.find((c) => c.action === "set_ory_session_token")?.ory_session_token;
  const settingsId = done.continue_with.find((c) => c.action === "show_settings_ui")?.flow.id;
  expect(token && settingsId, `recovery did not continue with a token and a settings flow: ${JSON.stringify(done.continue_with)}`);

  const { data: session } = await frontend.toSession({ xSessionToken: token });
  check(session, ref("session"), "session(recovered)");
  const { data: settings } = await frontend.getSettingsFlow({ id: settingsId, xSessionToken: token });
  check(settings, ref("settingsFlow"), "settingsFlow");
  const newPassword = "a-new-sdk-passphrase-after-recovery";
  const { data: changed } = await frontend.updateSettingsFlow({
    flow: settingsId, xSessionToken: token, updateSettingsFlowBody: { method: "password", password: newPassword },
  });
  check(changed, ref("settingsFlow"), "settingsFlow(changed)");

  const { data: login } = await frontend.createNativeLoginFlow();
  const { data: loggedIn } = await frontend.updateLoginFlow({
    flow: login.id, updateLoginFlowBody: { method: "password", identifier: email, password: newPassword },
  });
  check(loggedIn, ref("successfulNativeLogin"), "login with the new password");
}

async function adminRecovery() {
  const identity = await createIdentity(newEmail("sdk-admin"));
  const { data: code } = await identities.createRecoveryCodeForIdentity({
    createRecoveryCodeForIdentityBody: { identity_id: identity.id, expires_in: "15m" },
  });
  check(code, ref("recoveryCodeForIdentity"), "recoveryCodeForIdentity");
  const { data: link } = await identities.createRecoveryLinkForIdentity({
    createRecoveryLinkForIdentityBody: { identity_id: identity.id, expires_in: "15m" },
  });
  check(link, ref("recoveryLinkForIdentity"), "recoveryLinkForIdentity");
}

await nativeVerification();
await browserVerification();
await nativeRecovery();
await adminRecovery();
console.log(`ok: ${schemas.count} schema checks passed (verification and recovery)`);
