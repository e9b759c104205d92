/*
 * SCORM runtimes of the Clapboard lesson player: SCORM 1.2 (`API`) and SCORM 2004 (`API_1484_11`).
 * The LMS's API object is found the standard way (walking `window.parent`, then `opener`), and the
 * player's record maps onto the data model:
 *   1.2   cmi.core.lesson_location, cmi.suspend_data, cmi.core.lesson_status
 *         (incomplete → completed, or passed/failed with cmi.core.score.raw when a quiz counts)
 *   2004  cmi.location, cmi.suspend_data, cmi.progress_measure, cmi.completion_status,
 *         cmi.success_status and cmi.score.scaled when a quiz counts
 * Statuses never go backwards: what a learner achieved in an earlier session stays.
 */
(() => {
  /** The nearest window up the frame chain (then the opener's chain) that has `name`. */
  function findApi(name) {
    const search = (start) => {
      let win = start;
      for (let hops = 0; win && hops < 500; hops++) {
        try {
          if (win[name]) return win[name];
        } catch (_) {
          // A frame of another origin: its API is not ours to use.
        }
        if (!win.parent || win.parent === win) break;
        win = win.parent;
      }
      return null;
    };
    return (
      search(window) ||
      (window.opener ? search(window.opener) : null) ||
      (window.top?.opener ? search(window.top.opener) : null)
    );
  }

  const pad = (n, w) => String(n).padStart(w, '0');

  /** Seconds as SCORM 1.2 CMITimespan, HHHH:MM:SS.SS. */
  function timespan12(sec) {
    const cs = Math.max(0, Math.round(sec * 100));
    const h = Math.min(9999, Math.floor(cs / 360000));
    return `${pad(h, 4)}:${pad(Math.floor(cs / 6000) % 60, 2)}:${pad(Math.floor(cs / 100) % 60, 2)}.${pad(cs % 100, 2)}`;
  }

  /** Seconds as an ISO 8601 duration (SCORM 2004 timeinterval, xAPI duration). */
  function isoDuration(sec) {
    const cs = Math.max(0, Math.round(sec * 100));
    const h = Math.floor(cs / 360000);
    const m = Math.floor(cs / 6000) % 60;
    const s = (cs % 6000) / 100;
    return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s}S`;
  }

  function numberOrNull(text) {
    if (text === '' || text === null || text === undefined) return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : null;
  }

  function parseState(text) {
    try {
      return text ? JSON.parse(text) : null;
    } catch (_) {
      return null;
    }
  }

  function scorm12() {
    const api = findApi('API');
    const startedAt = Date.now();
    let initialStatus = '';
    const set = (k, v) => api.LMSSetValue(k, String(v));
    return {
      async start() {
        if (!api) throw new Error('No SCORM 1.2 API (window.API) was found in the frames around this page.');
        if (String(api.LMSInitialize('')) !== 'true')
          throw new Error(`The LMS refused to start the session (error ${api.LMSGetLastError()}).`);
        initialStatus = String(api.LMSGetValue('cmi.core.lesson_status'));
        if (initialStatus === 'not attempted' || initialStatus === '')
          set('cmi.core.lesson_status', 'incomplete');
        const mastery = numberOrNull(api.LMSGetValue('cmi.student_data.mastery_score'));
        return {
          location: numberOrNull(api.LMSGetValue('cmi.core.lesson_location')),
          state: parseState(api.LMSGetValue('cmi.suspend_data')),
          passRatio: mastery !== null && mastery > 0 ? mastery / 100 : undefined,
        };
      },
      save(location, state) {
        set('cmi.core.lesson_location', location.toFixed(1));
        set('cmi.suspend_data', JSON.stringify(state).slice(0, 4096));
      },
      update(o) {
        if (o.quizCounts && o.quiz) {
          set('cmi.core.score.min', 0);
          set('cmi.core.score.max', 100);
          set('cmi.core.score.raw', Math.round(o.quiz.scaled * 100));
          if (initialStatus !== 'passed') set('cmi.core.lesson_status', o.complete ? 'passed' : 'failed');
        } else if (o.complete && initialStatus !== 'passed') {
          set('cmi.core.lesson_status', 'completed');
        }
      },
      commit() {
        api.LMSCommit('');
      },
      finish(o) {
        set('cmi.core.exit', o.complete ? '' : 'suspend');
        set('cmi.core.session_time', timespan12((Date.now() - startedAt) / 1000));
        api.LMSCommit('');
        api.LMSFinish('');
      },
    };
  }

  function scorm2004() {
    const api = findApi('API_1484_11');
    const startedAt = Date.now();
    let initialCompletion = '';
    let initialSuccess = '';
    const set = (k, v) => api.SetValue(k, String(v));
    return {
      async start() {
        if (!api)
          throw new Error('No SCORM 2004 API (window.API_1484_11) was found in the frames around this page.');
        if (String(api.Initialize('')) !== 'true')
          throw new Error(`The LMS refused to start the session (error ${api.GetLastError()}).`);
        initialCompletion = String(api.GetValue('cmi.completion_status'));
        initialSuccess = String(api.GetValue('cmi.success_status'));
        if (initialCompletion !== 'completed') set('cmi.completion_status', 'incomplete');
        const passing = numberOrNull(api.GetValue('cmi.scaled_passing_score'));
        return {
          location: numberOrNull(api.GetValue('cmi.location')),
          state: parseState(api.GetValue('cmi.suspend_data')),
          passRatio: passing !== null && passing > 0 ? passing : undefined,
        };
      },
      save(location, state) {
        set('cmi.location', location.toFixed(1));
        set('cmi.suspend_data', JSON.stringify(state).slice(0, 64000));
      },
      update(o) {
        set('cmi.progress_measure', Math.min(1, o.fraction).toFixed(3));
        if (o.complete && initialCompletion !== 'completed') set('cmi.completion_status', 'completed');
        if (o.quizCounts && o.quiz) {
          set('cmi.score.min', 0);
          set('cmi.score.max', 100);
          set('cmi.score.raw', Math.round(o.quiz.scaled * 100));
          set('cmi.score.scaled', o.quiz.scaled.toFixed(4));
          if (initialSuccess !== 'passed') set('cmi.success_status', o.quiz.passed ? 'passed' : 'failed');
        }
      },
      commit() {
        api.Commit('');
      },
      finish(o) {
        set('cmi.exit', o.complete ? 'normal' : 'suspend');
        set('cmi.session_time', isoDuration((Date.now() - startedAt) / 1000));
        api.Commit('');
        api.Terminate('');
      },
    };
  }

  window.ClapboardLessonRuntimes = window.ClapboardLessonRuntimes || {};
  window.ClapboardLessonRuntimes.scorm12 = scorm12;
  window.ClapboardLessonRuntimes.scorm2004 = scorm2004;
})();
