/*
 * Clapboard lesson player: the video with its captions and a chapter menu, a record of the parts of
 * the video the learner actually watched, an optional end-of-lesson quiz, and a tracking runtime
 * (SCORM 1.2, SCORM 2004, cmi5, or none) that the page's config names. Plain browser JavaScript
 * with no dependencies, so it runs inside any LMS and never loads anything from elsewhere.
 *
 * The page holds `<script type="application/json" id="lesson-config">` with:
 *   { title, runtime, durationSec, completionPercent, chapters: [{ title, startSec }],
 *     quiz: null | { passPercent, questions: [{ id, prompt, choices, answer }] } }
 * Runtimes register themselves on `window.ClapboardLessonRuntimes[name]` (runtime-*.js) before
 * this file runs.
 */
(() => {
  // ---------- watched intervals: what was really played, seeking ahead does not count ----------

  /** Sorted, merged copy of [start, end] pairs (seconds); gaps under 0.25 s are joined. */
  function mergeIntervals(list) {
    const sorted = list
      .filter((r) => Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[1] > r[0])
      .map((r) => [Math.max(0, r[0]), r[1]])
      .sort((a, b) => a[0] - b[0]);
    const out = [];
    for (const r of sorted) {
      const last = out[out.length - 1];
      if (last && r[0] <= last[1] + 0.25) last[1] = Math.max(last[1], r[1]);
      else out.push([r[0], r[1]]);
    }
    return out;
  }

  const watchedSeconds = (list) => list.reduce((s, r) => s + (r[1] - r[0]), 0);

  /** `0-12.4,30-41.2`: compact enough for SCORM 1.2's 4096-character suspend_data. */
  const encodeIntervals = (list) => list.map((r) => `${r[0].toFixed(1)}-${r[1].toFixed(1)}`).join(',');

  function decodeIntervals(text) {
    if (typeof text !== 'string' || !text) return [];
    return mergeIntervals(
      text.split(',').map((part) => {
        const [a, b] = part.split('-').map(Number);
        return [a, b];
      }),
    );
  }

  /** The ranges the media element has played in this page's life, as [start, end] pairs. */
  function playedRanges(video) {
    const out = [];
    for (let i = 0; i < video.played.length; i++) out.push([video.played.start(i), video.played.end(i)]);
    return out;
  }

  // ---------- the page ----------

  const configNode = document.getElementById('lesson-config');
  const config = JSON.parse(configNode ? configNode.textContent : '{}');
  const video = document.getElementById('lesson-video');
  const chapterList = document.getElementById('lesson-chapters');
  const progressLine = document.getElementById('lesson-progress');
  const quizBox = document.getElementById('lesson-quiz');
  const quiz = config.quiz?.questions?.length ? config.quiz : null;
  const needed = Math.min(1, Math.max(0.1, (Number(config.completionPercent) || 90) / 100));

  const factory = window.ClapboardLessonRuntimes?.[config.runtime];
  const runtime = factory ? factory(config) : null;

  /** What this learner has done, kept by the runtime between visits. */
  const state = { watched: [], quiz: null, complete: false };
  let passRatio = quiz ? quiz.passPercent / 100 : 1;
  let lastSavedAt = -1;
  let lastCommit = 0;
  let started = false;
  let finished = false;

  const duration = () =>
    Number.isFinite(video.duration) && video.duration > 0 ? video.duration : Number(config.durationSec) || 0;
  const watchedFraction = () => {
    const d = duration();
    return d > 0 ? Math.min(1, watchedSeconds(state.watched) / d) : 0;
  };
  const watchedEnough = () => watchedFraction() + 1e-6 >= needed;

  function outcome() {
    const watched = watchedEnough();
    const complete = state.complete || (watched && (!quiz || !!state.quiz?.passed));
    return { watched, fraction: watchedFraction(), quiz: state.quiz, complete, quizCounts: !!quiz };
  }

  function serialise() {
    return {
      v: 1,
      w: encodeIntervals(state.watched),
      q: state.quiz ? { s: state.quiz.scaled, p: state.quiz.passed, n: state.quiz.attempts } : null,
      c: state.complete,
    };
  }

  function restore(saved) {
    if (saved?.v !== 1) return;
    state.watched = decodeIntervals(saved.w);
    if (saved.q && typeof saved.q.s === 'number')
      state.quiz = { scaled: saved.q.s, passed: !!saved.q.p, attempts: Number(saved.q.n) || 1 };
    state.complete = !!saved.c;
  }

  /** Folds what the video played into the record; true when the record grew. */
  function collectWatched() {
    const before = watchedSeconds(state.watched);
    state.watched = mergeIntervals(state.watched.concat(playedRanges(video)));
    return watchedSeconds(state.watched) > before + 0.05;
  }

  function percent(x) {
    return `${Math.round(x * 100)}%`;
  }

  function renderProgress() {
    const o = outcome();
    let text;
    if (o.complete) text = 'Lesson complete.';
    else if (o.watched && quiz) text = 'You have watched enough of the video: take the quiz below to finish.';
    else text = `Watched ${percent(o.fraction)} of the video (${percent(needed)} completes the lesson).`;
    // A plain player (a share link) tracks nothing, so it says nothing about completion.
    progressLine.hidden = config.runtime === 'none';
    progressLine.textContent = started
      ? text
      : `${text} Your progress is not being recorded: this page was not opened by a learning platform.`;
    progressLine.dataset.complete = String(o.complete);
    if (quiz && o.watched) showQuiz();
  }

  /**
   * Hands the current record to the runtime. `important` (completion, a quiz result, a pause, the
   * page going away) also asks it to persist now; otherwise the runtime persists every 15 s.
   */
  function report(important, commit = true) {
    if (!runtime || !started || finished) return;
    const o = outcome();
    if (o.complete) state.complete = true;
    const location = video.currentTime;
    runtime.save(location, serialise());
    runtime.update(o);
    lastSavedAt = location;
    const now = Date.now();
    if (commit && (important || now - lastCommit > 15_000)) {
      lastCommit = now;
      runtime.commit();
    }
  }

  // ---------- chapters ----------

  function renderChapters() {
    const chapters = (config.chapters || []).filter((c) => Number.isFinite(c.startSec));
    chapterList.parentElement.hidden = chapters.length === 0;
    chapters.forEach((chapter, i) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'lesson-chapter';
      button.dataset.index = String(i);
      const time = document.createElement('span');
      time.className = 'lesson-chapter-time';
      time.textContent = clock(chapter.startSec);
      const title = document.createElement('span');
      title.textContent = chapter.title || `Chapter ${i + 1}`;
      button.append(time, title);
      button.addEventListener('click', () => {
        video.currentTime = chapter.startSec;
        void video.play().catch(() => {});
      });
      item.append(button);
      chapterList.append(item);
    });
    video.addEventListener('timeupdate', () => {
      let current = -1;
      chapters.forEach((c, i) => {
        if (video.currentTime + 0.05 >= c.startSec) current = i;
      });
      for (const b of chapterList.querySelectorAll('button')) {
        if (Number(b.dataset.index) === current) b.setAttribute('aria-current', 'true');
        else b.removeAttribute('aria-current');
      }
    });
  }

  function clock(sec) {
    const s = Math.max(0, Math.floor(sec));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }

  // ---------- quiz ----------

  let quizShown = false;

  function showQuiz() {
    if (quizShown) return;
    quizShown = true;
    quizBox.hidden = false;
    const form = document.createElement('form');
    form.id = 'lesson-quiz-form';
    const heading = document.createElement('h2');
    heading.textContent = 'Quiz';
    form.append(heading);
    quiz.questions.forEach((q, qi) => {
      const set = document.createElement('fieldset');
      set.className = 'lesson-question';
      const legend = document.createElement('legend');
      legend.textContent = `${qi + 1}. ${q.prompt}`;
      set.append(legend);
      q.choices.forEach((choice, ci) => {
        const label = document.createElement('label');
        const input = document.createElement('input');
        input.type = 'radio';
        input.name = `q-${qi}`;
        input.value = String(ci);
        input.required = true;
        label.append(input, document.createTextNode(` ${choice}`));
        set.append(label);
      });
      form.append(set);
    });
    const submit = document.createElement('button');
    submit.type = 'submit';
    submit.textContent = 'Check my answers';
    const result = document.createElement('p');
    result.id = 'lesson-quiz-result';
    result.setAttribute('role', 'status');
    form.append(submit, result);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      let right = 0;
      quiz.questions.forEach((q, qi) => {
        const picked = form.querySelector(`input[name="q-${qi}"]:checked`);
        if (picked && Number(picked.value) === q.answer) right++;
      });
      const scaled = right / quiz.questions.length;
      const passed = scaled + 1e-9 >= passRatio;
      // A pass is kept: a later, worse attempt never takes it back.
      if (!state.quiz?.passed) state.quiz = { scaled, passed, attempts: (state.quiz?.attempts || 0) + 1 };
      result.dataset.passed = String(passed);
      result.textContent = `You answered ${right} of ${quiz.questions.length} right (${percent(scaled)}). ${
        passed ? 'You passed.' : `You need ${percent(passRatio)} to pass: watch again and try once more.`
      }`;
      renderProgress();
      report(true);
    });
    quizBox.append(form);
    if (state.quiz?.passed) {
      result.dataset.passed = 'true';
      result.textContent = `You passed this quiz (${percent(state.quiz.scaled)}).`;
    }
  }

  // ---------- start, save, leave ----------

  function leave() {
    if (!runtime || !started || finished) return;
    collectWatched();
    // The runtime's finish persists the record itself, in a way that survives the page going away.
    report(true, false);
    finished = true;
    runtime.finish(outcome());
  }

  async function start() {
    renderChapters();
    let resumeAt = null;
    if (runtime) {
      try {
        const session = await runtime.start();
        restore(session.state);
        if (typeof session.passRatio === 'number' && session.passRatio > 0) passRatio = session.passRatio;
        if (typeof session.location === 'number' && session.location > 0) resumeAt = session.location;
        if (session.message) progressLine.dataset.message = session.message;
        started = true;
      } catch (err) {
        progressLine.dataset.error = String(err?.message || err);
      }
    }
    document.body.dataset.runtime = runtime && started ? config.runtime : 'none';
    const seek = () => {
      // Resuming at the very end would show a finished video: start over instead.
      if (resumeAt !== null && resumeAt < duration() - 1) video.currentTime = resumeAt;
      document.body.dataset.ready = 'true';
    };
    if (video.readyState >= 1) seek();
    else video.addEventListener('loadedmetadata', seek, { once: true });
    renderProgress();
    if (started) report(true);
  }

  video.addEventListener('timeupdate', () => {
    const grew = collectWatched();
    const wasComplete = state.complete;
    renderProgress();
    const nowComplete = outcome().complete;
    if (grew || Math.abs(video.currentTime - lastSavedAt) >= 1) report(nowComplete && !wasComplete);
  });
  for (const type of ['pause', 'ended', 'seeked']) {
    video.addEventListener(type, () => {
      collectWatched();
      renderProgress();
      report(type !== 'seeked');
    });
  }
  // pagehide is the one event every browser fires when a frame goes away (bfcache included).
  window.addEventListener('pagehide', leave);
  window.addEventListener('beforeunload', leave);

  window.ClapboardLesson = { outcome, state, mergeIntervals, decodeIntervals, encodeIntervals };
  void start();
})();
