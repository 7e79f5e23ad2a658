// Drives login and registration with the official Kratos SDK, as a native app and as a browser
// (cookies carried by hand), and checks every response against the schemas of Kratos's OpenAPI
// document so that a shape mismatch fails.
//
//   node flows.mjs <public base URL> <path of Kratos's api.json> <flows|full>
//
// "full" adds whoami and logout, which need the server's session endpoints.
import { readFileSync } from "node:fs";
import { Configuration, FrontendApi } from "@ory/kratos-client";
import { openApiChecker } from "./openapi-check.mjs";

const [baseUrl, apiJsonPath, mode = "flows"] = process.argv.slice(2);
const schemas = openApiChecker(JSON.parse(readFileSync(apiJsonPath, "utf8")));
const frontend = new FrontendApi(new Configuration({ basePath: baseUrl.replace(/\/$/, "") }));
const password = "an-sdk-passphrase-that-is-long";

// Every response is checked against the named schema of Kratos's OpenAPI document.
function check(value, schema, path) {
  schemas.check(value, schema.$ref.split("/").pop(), path);
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
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

async function native() {
  const email = `sdk-native-${Date.now()}-${Math.random().toString(16).slice(2)}@example.com`;
  const { data: registrationFlow } = await frontend.createNativeRegistrationFlow();
  check(registrationFlow, { $ref: "#/components/schemas/registrationFlow" }, "registrationFlow");

  // Two-step registration: the profile screen answers 400 with the credential screen.
  try {
    await frontend.updateRegistrationFlow({
      flow: registrationFlow.id,
      updateRegistrationFlowBody: { method: "profile", traits: { email } },
    });
    throw new Error("the profile screen completed the registration");
  } catch (e) {
    expect(e.response?.status === 400, `the profile step answered ${e.response?.status}: ${e.message}`);
    check(e.response.data, { $ref: "#/components/schemas/registrationFlow" }, "registrationFlow(credential screen)");
    expect(e.response.data.ui.messages[0].id === 1040009, "the credential screen did not ask to choose a credential");
    const screen = e.response.data.ui.nodes.find((n) => n.attributes.name === "screen");
    expect(screen?.attributes.value === "previous" && screen.group === "profile", "the credential screen has no way back");
  }
  const { data: registered } = await frontend.updateRegistrationFlow({
    flow: registrationFlow.id,
    updateRegistrationFlowBody: { method: "password", password, traits: { email } },
  });
  check(registered, { $ref: "#/components/schemas/successfulNativeRegistration" }, "successfulNativeRegistration");
  expect(registered.session_token, "native registration returned no session_token");

  if (mode === "full") {
    const { data: session } = await frontend.toSession({ xSessionToken: registered.session_token });
    check(session, { $ref: "#/components/schemas/session" }, "session");
    await frontend.performNativeLogout({ performNativeLogoutBody: { session_token: registered.session_token } });
  }

  const { data: loginFlow } = await frontend.createNativeLoginFlow();
  check(loginFlow, { $ref: "#/components/schemas/loginFlow" }, "loginFlow");
  const { data: loggedIn } = await frontend.updateLoginFlow({
    flow: loginFlow.id,
    updateLoginFlowBody: { method: "password", identifier: email, password },
  });
  check(loggedIn, { $ref: "#/components/schemas/successfulNativeLogin" }, "successfulNativeLogin");
  expect(loggedIn.session_token, "native login returned no session_token");

  // A wrong password is a 400 carrying the flow with its messages.
  const { data: retry } = await frontend.createNativeLoginFlow();
  try {
    await frontend.updateLoginFlow({ flow: retry.id, updateLoginFlowBody: { method: "password", identifier: email, password: "wrong-password" } });
    throw new Error("a wrong password was accepted");
  } catch (e) {
    expect(e.response?.status === 400, `wrong password answered ${e.response?.status}`);
    check(e.response.data, { $ref: "#/components/schemas/loginFlow" }, "loginFlow(400)");
    expect(e.response.data.ui.messages[0].id === 4000006, "wrong password did not give message 4000006");
  }
}

async function browser() {
  const jar = new Map();
  const email = `sdk-browser-${Date.now()}-${Math.random().toString(16).slice(2)}@example.com`;
  const created = await frontend.createBrowserRegistrationFlow();
  check(created.data, { $ref: "#/components/schemas/registrationFlow" }, "registrationFlow(browser)");
  let cookie = cookiesFrom(created, jar);
  const fetched = await frontend.getRegistrationFlow({ id: created.data.id, cookie });
  check(fetched.data, { $ref: "#/components/schemas/registrationFlow" }, "getRegistrationFlow");
  const registered = await frontend.updateRegistrationFlow({
    flow: created.data.id,
    cookie,
    updateRegistrationFlowBody: { method: "password", password, traits: { email }, csrf_token: csrf(created.data) },
  });
  check(registered.data, { $ref: "#/components/schemas/successfulNativeRegistration" }, "registration(browser)");
  cookie = cookiesFrom(registered, jar);

  if (mode === "full") {
    const { data: session } = await frontend.toSession({ cookie });
    check(session, { $ref: "#/components/schemas/session" }, "session(browser)");
    const { data: logout } = await frontend.createBrowserLogoutFlow({ cookie });
    check(logout, { $ref: "#/components/schemas/logoutFlow" }, "logoutFlow");
    const done = await frontend.updateLogoutFlow({ token: logout.logout_token, cookie });
    cookie = cookiesFrom(done, jar);
    jar.delete("ory_kratos_session");
    cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  } else {
    jar.delete("ory_kratos_session");
    cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  const login = await frontend.createBrowserLoginFlow({ cookie });
  check(login.data, { $ref: "#/components/schemas/loginFlow" }, "loginFlow(browser)");
  cookie = cookiesFrom(login, jar);
  const loggedIn = await frontend.updateLoginFlow({
    flow: login.data.id,
    cookie,
    updateLoginFlowBody: { method: "password", identifier: email, password, csrf_token: csrf(login.data) },
  });
  check(loggedIn.data, { $ref: "#/components/schemas/successfulNativeLogin" }, "login(browser)");
  expect(!loggedIn.data.session_token, "a browser login must not return a session token");
}

await native();
await browser();
console.log(`ok: ${schemas.count} schema checks passed (${mode})`);
