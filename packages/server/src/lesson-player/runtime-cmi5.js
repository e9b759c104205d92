/*
 * cmi5 runtime of the Clapboard lesson player. The LMS launches the AU with `endpoint`, `fetch`,
 * `registration`, `activityId` and `actor` in the query string; the AU fetches its one-time auth
 * token, reads `LMS.LaunchData` from the xAPI state API, and then talks only to that LRS:
 * initialized → completed (watched enough) → passed/failed (the quiz) → terminated. Its own
 * resume record (position, watched intervals, quiz) is a state document of its own.
 *
 * The IRIs below identify verbs and context categories in statements; they are never fetched.
 */
(() => {
  const XAPI_VERSION = '1.0.3';
  const VERB = {
    initialized: 'http://adlnet.gov/expapi/verbs/initialized',
    completed: 'http://adlnet.gov/expapi/verbs/completed',
    passed: 'http://adlnet.gov/expapi/verbs/passed',
    failed: 'http://adlnet.gov/expapi/verbs/failed',
    terminated: 'http://adlnet.gov/expapi/verbs/terminated',
  };
  const CATEGORY_CMI5 = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
  const CATEGORY_MOVEON = 'https://w3id.org/xapi/cmi5/context/categories/moveon';
  const EXT_MASTERY = 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore';
  /** This AU's own state document (not one of the LMS's `LMS.*` documents). */
  const RESUME_STATE_ID = 'urn:clapboard:lesson-player:resume';

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    const b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function isoDuration(sec) {
    const cs = Math.max(0, Math.round(sec * 100));
    const h = Math.floor(cs / 360000);
    const m = Math.floor(cs / 6000) % 60;
    return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${(cs % 6000) / 100}S`;
  }

  function cmi5() {
    const query = new URLSearchParams(window.location.search);
    const launch = {
      endpoint: query.get('endpoint'),
      fetch: query.get('fetch'),
      registration: query.get('registration'),
      activityId: query.get('activityId'),
      actor: query.get('actor'),
    };
    const endpoint = launch.endpoint ? launch.endpoint.replace(/\/*$/, '/') : '';
    const startedAt = Date.now();
    let token = '';
    let actor = null;
    let launchData = null;
    let progress = { completed: false, passed: false, initialized: false };
    let pendingState = null;
    let terminated = false;

    const headers = (json) => ({
      Authorization: `Basic ${token}`,
      'X-Experience-API-Version': XAPI_VERSION,
      ...(json ? { 'Content-Type': 'application/json' } : {}),
    });

    const stateUrl = (stateId) =>
      `${endpoint}activities/state?${new URLSearchParams({
        stateId,
        activityId: launch.activityId,
        agent: JSON.stringify(actor),
        registration: launch.registration,
      })}`;

    async function request(url, init) {
      const res = await fetch(url, { credentials: 'omit', ...init });
      if (!res.ok && res.status !== 404)
        throw new Error(`The learning record store answered ${res.status} to ${init.method || 'GET'}.`);
      return res;
    }

    /** A cmi5-defined statement from LMS.LaunchData's context template (sessionid included). */
    function statement(verb, result, moveOn) {
      const template = launchData?.contextTemplate || {};
      const context = JSON.parse(JSON.stringify(template));
      context.registration = launch.registration;
      context.contextActivities = context.contextActivities || {};
      const categories = context.contextActivities.category || [];
      categories.push({ id: CATEGORY_CMI5, objectType: 'Activity' });
      if (moveOn) categories.push({ id: CATEGORY_MOVEON, objectType: 'Activity' });
      context.contextActivities.category = categories;
      if (
        launchData &&
        typeof launchData.masteryScore === 'number' &&
        (verb === VERB.passed || verb === VERB.failed)
      ) {
        context.extensions = context.extensions || {};
        context.extensions[EXT_MASTERY] = launchData.masteryScore;
      }
      const name = verb.slice(verb.lastIndexOf('/') + 1);
      return {
        id: uuid(),
        actor,
        verb: { id: verb, display: { 'en-US': name } },
        object: { id: launch.activityId, objectType: 'Activity' },
        ...(result ? { result } : {}),
        context,
        timestamp: new Date().toISOString(),
      };
    }

    function send(stmt, keepalive) {
      return request(`${endpoint}statements`, {
        method: 'POST',
        headers: headers(true),
        body: JSON.stringify(stmt),
        keepalive: !!keepalive,
      });
    }

    // Statements go one after another, so the LRS stores them in the order they happened.
    let queue = Promise.resolve();
    const enqueue = (stmt) => {
      queue = queue.then(() => send(stmt)).catch(() => {});
    };

    const normal = () => !launchData?.launchMode || launchData.launchMode === 'Normal';
    const elapsed = () => isoDuration((Date.now() - startedAt) / 1000);

    return {
      async start() {
        const missing = Object.keys(launch).filter((k) => !launch[k]);
        if (missing.length)
          throw new Error(`This lesson was not launched by a cmi5 LMS (missing ${missing.join(', ')}).`);
        actor = JSON.parse(launch.actor);
        const auth = await request(launch.fetch, { method: 'POST' });
        const body = await auth.json();
        if (!body['auth-token'])
          throw new Error(`The LMS gave no auth token (${body['error-text'] || 'no reason'}).`);
        token = body['auth-token'];
        const ld = await request(stateUrl('LMS.LaunchData'), { headers: headers(false) });
        if (ld.status === 404) throw new Error('The LMS has no launch data for this session.');
        launchData = await ld.json();
        const saved = await request(stateUrl(RESUME_STATE_ID), { headers: headers(false) });
        const resume = saved.status === 404 ? null : await saved.json();
        if (resume?.sent) progress = { ...progress, ...resume.sent };
        await send(statement(VERB.initialized));
        progress.initialized = true;
        return {
          location: resume ? resume.location : null,
          state: resume ? resume.state : null,
          passRatio: typeof launchData.masteryScore === 'number' ? launchData.masteryScore : undefined,
        };
      },
      save(location, state) {
        pendingState = { location, state, sent: progress };
      },
      update(o) {
        if (!normal()) return;
        if (o.watched && !progress.completed) {
          progress.completed = true;
          enqueue(statement(VERB.completed, { completion: true, duration: elapsed() }, true));
        }
        if (o.quizCounts && o.quiz && !progress.passed && o.quiz.attempts !== progress.quizAttempts) {
          progress.quizAttempts = o.quiz.attempts;
          if (o.quiz.passed) progress.passed = true;
          enqueue(
            statement(
              o.quiz.passed ? VERB.passed : VERB.failed,
              {
                success: o.quiz.passed,
                score: { scaled: Math.round(o.quiz.scaled * 10000) / 10000 },
                duration: elapsed(),
              },
              true,
            ),
          );
        }
        if (pendingState) pendingState.sent = progress;
      },
      commit(keepalive) {
        if (!pendingState) return;
        const doc = pendingState;
        pendingState = null;
        void request(stateUrl(RESUME_STATE_ID), {
          method: 'PUT',
          headers: headers(true),
          body: JSON.stringify(doc),
          keepalive: !!keepalive,
        }).catch(() => {});
      },
      finish() {
        if (terminated) return;
        terminated = true;
        this.commit(true);
        const last = statement(VERB.terminated, { duration: elapsed() });
        // keepalive lets the request outlive the page; it waits for statements still in flight.
        queue = queue.then(() => send(last, true)).catch(() => {});
      },
    };
  }

  window.ClapboardLessonRuntimes = window.ClapboardLessonRuntimes || {};
  window.ClapboardLessonRuntimes.cmi5 = cmi5;
})();
