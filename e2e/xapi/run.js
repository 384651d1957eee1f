// Drives Baken's LRS with two real xAPI client libraries: @xapi/xapi
// (xAPI 1.0.3 and 2.0) and tincanjs (xAPI 1.0.2). Exits 1 on the first
// failure. Environment: LRS_ENDPOINT (…/xapi/), LRS_KEY, LRS_SECRET.
"use strict";
const assert = require("assert");
const crypto = require("crypto");
const XAPI = require("@xapi/xapi").default || require("@xapi/xapi");
const TinCan = require("tincanjs");

const endpoint = process.env.LRS_ENDPOINT;
const key = process.env.LRS_KEY;
const secret = process.env.LRS_SECRET;
const actor = { objectType: "Agent", name: "Jan Jansen", mbox: "mailto:jan@hofman-metaal.example" };
const activityId = "https://baken.invalid/e2e/activities/cobot-" + crypto.randomUUID();

async function withXAPI(version) {
  const xapi = new XAPI({ endpoint, auth: XAPI.toBasicAuth(key, secret), version });
  const id = crypto.randomUUID();
  const statement = {
    id,
    actor,
    verb: { id: "http://adlnet.gov/expapi/verbs/completed", display: { "en-US": "completed" } },
    object: { objectType: "Activity", id: activityId, definition: { name: { "en-US": "Cobot teaching" } } },
    result: { score: { scaled: 0.9 }, completion: true, success: true },
  };
  const sent = await xapi.sendStatement({ statement });
  assert.deepStrictEqual(sent.data, [id], version + ": sendStatement answered " + JSON.stringify(sent.data));
  const got = await xapi.getStatement({ statementId: id });
  assert.strictEqual(got.data.id, id);
  assert.strictEqual(got.data.result.score.scaled, 0.9);
  const list = await xapi.getStatements({ agent: actor, verb: "http://adlnet.gov/expapi/verbs/completed", activity: activityId });
  assert.ok(list.data.statements.some((s) => s.id === id), version + ": query did not find the statement");
  await xapi.voidStatement({ actor, statementId: id });
  const voided = await xapi.getVoidedStatement({ voidedStatementId: id });
  assert.strictEqual(voided.data.id, id);
  // Documents
  await xapi.setState({ agent: actor, activityId, stateId: "progress-" + version, state: { page: 3 } });
  await xapi.setState({ agent: actor, activityId, stateId: "progress-" + version, state: { done: false } });
  const state = await xapi.getState({ agent: actor, activityId, stateId: "progress-" + version });
  assert.deepStrictEqual(state.data, { done: false }, version + ": setState replaces the document");
  await xapi.createActivityProfile({ activityId, profileId: "profile-" + version, profile: { level: 2 } });
  const prof = await xapi.getActivityProfile({ activityId, profileId: "profile-" + version });
  assert.deepStrictEqual(prof.data, { level: 2 });
  const about = await xapi.getAbout();
  // A 1.0.x client is shown the 1.0.x versions only (the 1.0.3 About
  // resource may list nothing else); a 2.0 client sees 2.0.0 besides.
  assert.ok(about.data.version.includes("1.0.3") && about.data.version.includes("2.0.0") === (version === "2.0.0"),
    version + ": about " + JSON.stringify(about.data.version));
  console.log("@xapi/xapi " + version + ": ok");
}

function tincan() {
  return new Promise((resolve, reject) => {
    const lrs = new TinCan.LRS({ endpoint, username: key, password: secret, allowFail: false, version: "1.0.2" });
    const st = new TinCan.Statement({
      actor: new TinCan.Agent(actor),
      verb: new TinCan.Verb({ id: "http://adlnet.gov/expapi/verbs/experienced", display: { "en-US": "experienced" } }),
      target: new TinCan.Activity({ id: activityId }),
    });
    st.id = crypto.randomUUID();
    lrs.saveStatement(st, {
      callback: (err, xhr) => {
        if (err !== null) return reject(new Error("tincanjs saveStatement: " + err + " " + (xhr && xhr.responseText)));
        lrs.retrieveStatement(st.id, {
          callback: (err, got) => {
            if (err !== null) return reject(new Error("tincanjs retrieveStatement: " + err));
            if (!got || got.id !== st.id) return reject(new Error("tincanjs: retrieved " + (got && got.id)));
            lrs.queryStatements({
              params: { agent: new TinCan.Agent(actor), verb: new TinCan.Verb({ id: "http://adlnet.gov/expapi/verbs/experienced" }) },
              callback: (err, result) => {
                if (err !== null) return reject(new Error("tincanjs queryStatements: " + err));
                if (!result.statements.some((s) => s.id === st.id)) return reject(new Error("tincanjs: query missed the statement"));
                lrs.saveState("bookmark", "page 7", {
                  agent: new TinCan.Agent(actor),
                  activity: new TinCan.Activity({ id: activityId }),
                  contentType: "text/plain",
                  callback: (err) => {
                    if (err !== null) return reject(new Error("tincanjs saveState: " + err));
                    lrs.retrieveState("bookmark", {
                      agent: new TinCan.Agent(actor),
                      activity: new TinCan.Activity({ id: activityId }),
                      callback: (err, state) => {
                        if (err !== null) return reject(new Error("tincanjs retrieveState: " + err));
                        if (!state || state.contents !== "page 7") return reject(new Error("tincanjs state: " + JSON.stringify(state && state.contents)));
                        console.log("tincanjs 1.0.2: ok");
                        resolve();
                      },
                    });
                  },
                });
              },
            });
          },
        });
      },
    });
  });
}

(async () => {
  await withXAPI("2.0.0");
  await withXAPI("1.0.3");
  await tincan();
})().catch((e) => {
  console.error(e && e.response ? e.message + " " + JSON.stringify(e.response.data) : e);
  process.exit(1);
});
