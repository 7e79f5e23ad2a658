// Drives the settings flow with the official Kratos SDK: profile and password updates through
// updateSettingsFlow as a native app and as a browser (cookies carried by hand), a refused weak
// password and another identity's attempt, each response checked against Kratos's OpenAPI schemas.
//
//   node settings.mjs <public base URL> <path of Kratos's api.json>
import { readFileSync } from "node:fs";
import { Configuration, FrontendApi } from "@ory/kratos-client";
import { openApiChecker } from "./openapi-check.mjs";

const [baseUrl, apiJsonPath] = process.argv.slice(2);
const schemas = openApiChecker(JSON.parse(readFileSync(apiJsonPath, "utf8")));
const frontend = new FrontendApi(new Configuration({ basePath: baseUrl.replace(/\/$/, "") }));
const password = "an-sdk-passphrase-that-is-long";
const newPassword = "a-different-sdk-passphrase-2";

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function newEmail(kind) {
  return `sdk-settings-${kind}-${Date.now()}-${Math.random().toString(16).slice(2)}@example.com`;
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

async function registerNative(email) {
  const { data: flow } = await frontend.createNativeRegistrationFlow();
  const { data } = await frontend.updateRegistrationFlow({
    flow: flow.id,
    updateRegistrationFlowBody: { method: "password", password, traits: { email } },
  });
  return data.session_token;
}

async function expectFailure(call, status, what) {
  try {
    await call();
  } catch (e) {
    expect(e.response?.status === status, `${what} answered ${e.response?.status}, expected ${status}`);
    return e.response.data;
  }
  throw new Error(`${what} was accepted`);
}

async function native() {
  const email = newEmail("native");
  const xSessionToken = await registerNative(email);
  const { data: flow } = await frontend.createNativeSettingsFlow({ xSessionToken });
  schemas.check(flow, "settingsFlow");
  expect(flow.state === "show_form", `a new settings flow is in state ${flow.state}`);

  const { data: fetched } = await frontend.getSettingsFlow({ id: flow.id, xSessionToken });
  schemas.check(fetched, "settingsFlow", "getSettingsFlow");

  const { data: profiled } = await frontend.updateSettingsFlow({
    flow: flow.id,
    xSessionToken,
    updateSettingsFlowBody: { method: "profile", traits: { email, name: { first: "Sdk", last: "User" } } },
  });
  schemas.check(profiled, "settingsFlow", "settingsFlow(profile)");
  expect(profiled.state === "success", `profile update left the flow in state ${profiled.state}`);
  expect(profiled.identity.traits.name.first === "Sdk", "the profile change is not in the identity");
  expect(profiled.ui.messages[0].id === 1050001, "the success message 1050001 is missing");

  const weak = await expectFailure(() => frontend.updateSettingsFlow({
    flow: flow.id,
    xSessionToken,
    updateSettingsFlowBody: { method: "password", password: "short" },
  }), 400, "a weak password");
  schemas.check(weak, "settingsFlow", "settingsFlow(400)");
  const passwordNode = weak.ui.nodes.find((n) => n.attributes.name === "password");
  expect(passwordNode.messages[0].id === 4000032, "a short password did not give message 4000032");

  const { data: changed } = await frontend.updateSettingsFlow({
    flow: flow.id,
    xSessionToken,
    updateSettingsFlowBody: { method: "password", password: newPassword },
  });
  schemas.check(changed, "settingsFlow", "settingsFlow(password)");
  expect(changed.active === "password", `the password change is reported as ${changed.active}`);

  const { data: loginFlow } = await frontend.createNativeLoginFlow();
  const { data: loggedIn } = await frontend.updateLoginFlow({
    flow: loginFlow.id,
    updateLoginFlowBody: { method: "password", identifier: email, password: newPassword },
  });
  expect(loggedIn.session_token, "the new password does not sign in");

  // Another identity may not read the flow.
  const otherToken = await registerNative(newEmail("other"));
  const mismatch = await expectFailure(() => frontend.getSettingsFlow({ id: flow.id, xSessionToken: otherToken }), 403, "another identity's read");
  schemas.check(mismatch, "errorGeneric", "errorGeneric(403)");
  expect(mismatch.error.id === "security_identity_mismatch", `another identity's read gave ${mismatch.error.id}`);
}

async function browser() {
  const jar = new Map();
  const email = newEmail("browser");
  const registration = await frontend.createBrowserRegistrationFlow();
  let cookie = cookiesFrom(registration, jar);
  const registered = await frontend.updateRegistrationFlow({
    flow: registration.data.id,
    cookie,
    updateRegistrationFlowBody: { method: "password", password, traits: { email }, csrf_token: csrf(registration.data) },
  });
  cookie = cookiesFrom(registered, jar);

  const created = await frontend.createBrowserSettingsFlow({ cookie });
  schemas.check(created.data, "settingsFlow", "settingsFlow(browser)");
  cookie = cookiesFrom(created, jar);
  const { data: fetched } = await frontend.getSettingsFlow({ id: created.data.id, cookie });
  schemas.check(fetched, "settingsFlow", "getSettingsFlow(browser)");

  const { data: profiled } = await frontend.updateSettingsFlow({
    flow: created.data.id,
    cookie,
    updateSettingsFlowBody: { method: "profile", traits: { email, name: { first: "Browser" } }, csrf_token: csrf(created.data) },
  });
  schemas.check(profiled, "settingsFlow", "settingsFlow(browser profile)");
  expect(profiled.continue_with?.[0]?.action === "redirect_browser_to", "a browser update has no redirect_browser_to");

  const { data: changed } = await frontend.updateSettingsFlow({
    flow: created.data.id,
    cookie,
    updateSettingsFlowBody: { method: "password", password: newPassword, csrf_token: csrf(profiled) },
  });
  schemas.check(changed, "settingsFlow", "settingsFlow(browser password)");
  expect(changed.state === "success", `the browser password change left state ${changed.state}`);
}

await native();
await browser();
console.log(`ok: ${schemas.count} schema checks passed (settings)`);
