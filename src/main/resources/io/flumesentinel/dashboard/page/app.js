// Flume Sentinel's dashboard: plain DOM, no framework, nothing loaded from elsewhere.
//
// Every value shown comes from the monitor's API and, before that, from ZooKeeper, where anyone
// allowed to register an agent writes its id, host, group and labels: values are only ever set as
// text (textContent, text nodes, dataset), never parsed as HTML, and no link is built from them
// except this page's own "#/agents/<id>" fragments.
'use strict';

(function () {
  const TOKEN_KEY = 'flumeSentinel.token';
  const NAME_KEY = 'flumeSentinel.name';
  const STATES = ['DOWN', 'HUNG', 'STUCK', 'STOPPED', 'UP', 'UNKNOWN'];
  const MAX_PAGES = 20;
  const TRAILING_REFRESH_MS = 700;
  // Reads of the API at most every this often: a busy fleet must not make the page a load.
  const MIN_ROUND_MS = 400;
  const STATUS_EVERY_MS = 5000;
  const EVERYTHING_EVERY_MS = 60000;
  const STREAM_SILENCE_MS = 40000;

  const state = {
    agents: null, // the /api/agents items, or null while not available
    agentsNote: null,
    alerts: [],
    alertsNote: null,
    silences: [],
    silencesNote: null,
    status: null,
    statusNote: null,
    history: null,
    historyNote: null,
    historyFor: null,
    // What the stream said about an agent since the last full read: id -> {state, at}
    overlay: new Map(),
    lastAgentsRead: 0,
    needToken: false,
  };

  // ---- DOM helpers: text only -------------------------------------------------------------------

  function byId(id) {
    return document.getElementById(id);
  }

  /** An element with attributes and children; strings become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (key === 'class') {
        node.className = value;
      } else if (key === 'data') {
        Object.assign(node.dataset, value);
      } else if (key.startsWith('on')) {
        node.addEventListener(key.slice(2), value);
      } else {
        node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) {
        continue;
      }
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function fill(id, ...children) {
    byId(id).replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  }

  function unavailable(what) {
    return el('p', { class: 'unavailable' }, what + ': not available on this monitor.');
  }

  function time(iso) {
    if (!iso || iso.startsWith('0001-')) {
      return '';
    }
    const date = new Date(iso);
    return isNaN(date) ? String(iso) : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  }

  function notice(text, isError) {
    const p = byId('notice');
    p.textContent = text || '';
    p.hidden = !text;
    p.className = isError ? 'error' : '';
  }

  // ---- HTTP ---------------------------------------------------------------------------------------

  class HttpError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  async function call(method, path, body, signal) {
    const headers = {};
    const bearer = token();
    if (bearer) {
      headers.Authorization = 'Bearer ' + bearer;
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
      signal,
    });
    if (response.status === 401) {
      askToken(bearer ? 'The monitor refused this token: give another one.' : null);
      throw new HttpError(401, 'a token is needed');
    }
    return response;
  }

  async function failure(response) {
    let text = response.status + ' ' + response.statusText;
    try {
      const body = await response.json();
      if (body && typeof body.error === 'string') {
        text = body.error;
      }
    } catch (e) {
      // not JSON: the status says enough
    }
    return new HttpError(response.status, text);
  }

  /** The JSON of a GET, or null when the endpoint is not served (404). */
  async function getJson(path) {
    const response = await call('GET', path);
    if (response.status === 404) {
      return null;
    }
    if (!response.ok) {
      throw await failure(response);
    }
    return response.json();
  }

  /** Every item of a paged GET (following Link rel="next"), or null when it is not served. */
  async function getAll(path) {
    let items = [];
    let next = path;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      const response = await call('GET', next);
      if (response.status === 404) {
        return page === 0 ? null : items;
      }
      if (!response.ok) {
        throw await failure(response);
      }
      const body = await response.json();
      if (!Array.isArray(body)) {
        throw new HttpError(500, path + ' did not answer a list');
      }
      items = items.concat(body);
      next = nextLink(response.headers.get('Link'));
    }
    return items;
  }

  /** The rel="next" target of a Link header, if it is a path of this origin. */
  function nextLink(header) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/.exec(header || '');
    if (!match || !match[1].startsWith('/') || match[1].startsWith('//')) {
      return null;
    }
    return match[1];
  }

  async function write(method, path, body) {
    const response = await call(method, path, body);
    if (response.status === 404 || response.status === 405) {
      throw new HttpError(response.status, method + ' ' + path.split('?')[0] + ' is not available on this monitor');
    }
    if (response.status === 403) {
      throw new HttpError(403, 'this needs a write token');
    }
    if (!response.ok) {
      throw await failure(response);
    }
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  // ---- Token --------------------------------------------------------------------------------------

  function askToken(reason) {
    if (reason) {
      sessionStorage.removeItem(TOKEN_KEY);
    }
    state.needToken = true;
    byId('token-reason').textContent = reason || 'This monitor asks for a token.';
    byId('token-form').hidden = false;
    byId('overview').hidden = true;
    byId('agent-page').hidden = true;
  }

  function tokenGiven(event) {
    event.preventDefault();
    const input = byId('token');
    const value = input.value.trim();
    if (!value) {
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    input.value = '';
    state.needToken = false;
    byId('token-form').hidden = true;
    byId('forget-token').hidden = false;
    route();
    refreshAll();
    restartStream();
  }

  function forgetToken() {
    sessionStorage.removeItem(TOKEN_KEY);
    byId('forget-token').hidden = true;
    stopStream();
    askToken(null);
  }

  // ---- Loading ------------------------------------------------------------------------------------

  const loaders = {
    async agents() {
      const startedAt = Date.now();
      try {
        const agents = await getAll('/api/agents');
        state.agents = agents;
        state.agentsNote = agents === null ? 'The list of agents is not available on this monitor: shown are the agents with alerts or news since this page opened.' : null;
        if (agents !== null) {
          // What was read is newer than what the stream said before the read began.
          for (const [id, seen] of state.overlay) {
            if (seen.at + TRAILING_REFRESH_MS / 2 < startedAt) {
              state.overlay.delete(id);
            }
          }
        }
      } catch (e) {
        state.agentsNote = 'Agents: ' + e.message;
      }
    },
    async alerts() {
      try {
        const alerts = await getAll('/api/alerts');
        state.alerts = alerts || [];
        state.alertsNote = alerts === null ? 'Alerts' : null;
      } catch (e) {
        state.alertsNote = 'Alerts: ' + e.message;
      }
    },
    async silences() {
      try {
        const silences = await getJson('/api/silences');
        state.silences = silences || [];
        state.silencesNote = silences === null ? 'Silences' : null;
      } catch (e) {
        state.silencesNote = 'Silences: ' + e.message;
      }
    },
    async status() {
      try {
        state.status = await getJson('/status');
        state.statusNote = state.status === null ? 'Receivers' : null;
      } catch (e) {
        state.statusNote = 'Receivers: ' + e.message;
      }
    },
    async history() {
      const agent = currentAgent();
      if (agent === null) {
        return;
      }
      try {
        const records = await getAll('/api/history?agent=' + encodeURIComponent(agent) + '&limit=200');
        state.historyFor = agent;
        state.history = records;
        state.historyNote = records === null ? 'History' : null;
      } catch (e) {
        state.historyFor = agent;
        state.history = [];
        state.historyNote = 'History: ' + e.message;
      }
    },
  };

  const refresher = { pending: new Set(), running: false, trailing: null, trailingTopics: new Set(), lastRound: 0 };

  /** Reads the given views again; calls made while a read runs are folded into the next one. */
  function refresh(topics) {
    topics.forEach((topic) => refresher.pending.add(topic));
    if (!refresher.running && !state.needToken) {
      runRefresh();
    }
  }

  async function runRefresh() {
    refresher.running = true;
    try {
      while (refresher.pending.size > 0 && !state.needToken) {
        const wait = refresher.lastRound + MIN_ROUND_MS - Date.now();
        if (wait > 0) {
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
        refresher.lastRound = Date.now();
        const topics = [...refresher.pending];
        refresher.pending.clear();
        await Promise.all(topics.map((topic) => loaders[topic]()));
        render();
      }
    } finally {
      refresher.running = false;
    }
  }

  /** Reads again a little later too: what the stream announced may still be on its way to storage. */
  function refreshSoonAgain(topics) {
    topics.forEach((topic) => refresher.trailingTopics.add(topic));
    clearTimeout(refresher.trailing);
    refresher.trailing = setTimeout(() => {
      const again = [...refresher.trailingTopics];
      refresher.trailingTopics.clear();
      refresh(again);
    }, TRAILING_REFRESH_MS);
  }

  function refreshAll() {
    refresh(['agents', 'alerts', 'silences', 'status', 'history']);
  }

  // ---- Live updates -------------------------------------------------------------------------------

  const LIFECYCLE_STATES = {
    STARTED: 'UP',
    RESTARTED: 'UP',
    CRASHED: 'DOWN',
    SESSION_LOST: 'DOWN',
    STOPPED: 'STOPPED',
    REGISTERED: 'STOPPED',
    DEREGISTERED: 'GONE',
  };

  const stream = { controller: null, generation: 0 };

  function setLive(text, on) {
    const live = byId('live');
    live.textContent = text;
    live.className = 'live ' + (on ? 'on' : 'off');
  }

  function stopStream() {
    stream.generation++;
    if (stream.controller) {
      stream.controller.abort();
      stream.controller = null;
    }
  }

  function restartStream() {
    stopStream();
    readStream(stream.generation);
  }

  /**
   * Reads GET /api/stream with fetch (EventSource cannot send the Authorization header), and
   * reconnects with a growing delay when it ends.
   */
  async function readStream(generation) {
    let delay = 1000;
    while (generation === stream.generation && !state.needToken) {
      const controller = new AbortController();
      stream.controller = controller;
      let watchdog = null;
      try {
        const response = await call('GET', '/api/stream', undefined, controller.signal);
        if (response.status === 404) {
          setLive('no live updates: reading every 15 s', false);
          return;
        }
        if (!response.ok || !response.body) {
          throw await failure(response);
        }
        setLive('live', true);
        delay = 1000;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        const rearm = () => {
          clearTimeout(watchdog);
          watchdog = setTimeout(() => controller.abort(), STREAM_SILENCE_MS);
        };
        rearm();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            break;
          }
          rearm();
          buffer += value.replace(/\r\n?/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            onStreamEvent(block);
          }
          if (buffer.length > 1000000) {
            throw new Error('an event over 1 MB');
          }
        }
      } catch (e) {
        if (e instanceof HttpError && e.status === 401) {
          return;
        }
      } finally {
        clearTimeout(watchdog);
      }
      if (generation !== stream.generation) {
        return;
      }
      setLive('reconnecting', false);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 15000);
    }
  }

  function onStreamEvent(block) {
    let name = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') {
        name = value;
      } else if (field === 'data') {
        data.push(value);
      }
    }
    if (name === 'hello') {
      refreshAll();
      return;
    }
    if (name !== 'change') {
      return;
    }
    let tick;
    try {
      tick = JSON.parse(data.join('\n'));
    } catch (e) {
      return;
    }
    applyTick(tick);
  }

  function applyTick(tick) {
    const now = Date.now();
    const agents = tick.agents && typeof tick.agents === 'object' ? tick.agents : {};
    for (const [id, event] of Object.entries(agents)) {
      const news = event && LIFECYCLE_STATES[event.type];
      if (news) {
        state.overlay.set(id, { state: news, at: now, host: null, group: null });
      }
    }
    for (const alert of Array.isArray(tick.alerts) ? tick.alerts : []) {
      const news = alertState(alert.alertname, alert.status, alert.reason);
      if (alert.agent && news) {
        const before = state.overlay.get(alert.agent);
        state.overlay.set(alert.agent, { state: news, at: now, host: before && before.host, group: before && before.group });
      }
    }
    render();
    const topics = tick.more ? ['agents', 'alerts', 'silences', 'status'] : (Array.isArray(tick.topics) ? tick.topics : []);
    const known = topics.filter((t) => t in loaders);
    if (known.includes('alerts')) {
      known.push('status');
    }
    if (currentAgent() !== null) {
      known.push('history');
    }
    refresh(known);
    refreshSoonAgain(known);
  }

  /** The state an alert transition implies for its agent, or null when it implies none. */
  function alertState(alertname, status, reason) {
    if (alertname === 'FlumeAgentDown') {
      if (status === 'firing') {
        return 'DOWN';
      }
      return reason === 'STOPPED' ? 'STOPPED' : 'UP';
    }
    if (alertname === 'FlumeAgentStuck' && status === 'firing') {
      return reason === 'HUNG' ? 'HUNG' : 'STUCK';
    }
    return null;
  }

  // ---- The fleet ----------------------------------------------------------------------------------

  function labelOf(alert, name) {
    const labels = alert && alert.labels;
    return labels && typeof labels[name] === 'string' ? labels[name] : null;
  }

  function firingAlerts() {
    return state.alerts.filter((a) => a && a.status === 'firing');
  }

  function knownState(value) {
    return STATES.includes(value) ? value : 'UNKNOWN';
  }

  /**
   * The failing checks its supervisor recorded for a running agent (/api/agents: health.flow and
   * resources), as the alerts they raise, each with its reason: [{name, reason}].
   */
  function failingChecks(agent) {
    const checks = [];
    if (!agent || agent.state === 'DOWN') {
      return checks;
    }
    const flow = agent.health && Array.isArray(agent.health.flow) ? agent.health.flow : [];
    for (const verdict of flow) {
      if (verdict && typeof verdict.alertname === 'string') {
        checks.push({ name: verdict.alertname + ' ' + String(verdict.component || ''), reason: String(verdict.reason || '') });
      }
    }
    const resources = agent.resources && typeof agent.resources === 'object' ? agent.resources : {};
    for (const [key, name] of [['memory', 'FlumeAgentMemory'], ['gc', 'FlumeAgentGc']]) {
      const verdict = resources[key];
      if (verdict && verdict.status === 'HIGH') {
        checks.push({ name, reason: String(verdict.reason || '') });
      }
    }
    return checks;
  }

  /** One row per agent: /api/agents, what the stream said since, and the firing alerts. */
  function fleet() {
    const rows = new Map();
    for (const agent of state.agents || []) {
      if (agent && typeof agent.id === 'string') {
        rows.set(agent.id, {
          id: agent.id,
          host: agent.host,
          group: agent.group,
          state: knownState(agent.state),
          since: agent.since,
          silenced: agent.silenced === true,
          acknowledged: agent.acknowledged === true,
          agent,
        });
      }
    }
    for (const alert of firingAlerts()) {
      const id = labelOf(alert, 'agent');
      if (!id) {
        continue;
      }
      const derived = alertState(labelOf(alert, 'alertname'), 'firing', alert.annotations && alert.annotations.reason);
      let row = rows.get(id);
      if (!row && derived) {
        row = { id, host: labelOf(alert, 'host'), group: labelOf(alert, 'group'), state: derived, since: alert.startsAt };
        rows.set(id, row);
      } else if (row && derived && state.agents === null) {
        row.state = derived;
      }
      if (row) {
        row.host = row.host || labelOf(alert, 'host');
        row.group = row.group || labelOf(alert, 'group');
        row.silenced = row.silenced || (Array.isArray(alert.silencedBy) && alert.silencedBy.length > 0);
        row.acknowledged = row.acknowledged || Boolean(alert.acknowledgedBy);
      }
    }
    for (const [id, seen] of state.overlay) {
      const row = rows.get(id) || { id, host: seen.host, group: seen.group };
      if (seen.state === 'GONE') {
        rows.delete(id);
        continue;
      }
      row.state = seen.state;
      rows.set(id, row);
    }
    return [...rows.values()];
  }

  function renderFleet() {
    const rows = fleet();
    const counts = {};
    rows.forEach((row) => (counts[row.state] = (counts[row.state] || 0) + 1));
    fill(
      'fleet-summary',
      el('span', {}, rows.length + ' agent' + (rows.length === 1 ? '' : 's')),
      STATES.filter((s) => counts[s]).map((s) => el('span', { class: 'badge state-' + s }, counts[s] + ' ' + s)),
    );
    const note = byId('fleet-note');
    note.textContent = state.agentsNote || '';
    note.hidden = !state.agentsNote;

    const groups = new Map();
    for (const row of rows) {
      const group = row.group || '(no group)';
      const host = row.host || '(unknown host)';
      if (!groups.has(group)) {
        groups.set(group, new Map());
      }
      const hosts = groups.get(group);
      if (!hosts.has(host)) {
        hosts.set(host, []);
      }
      hosts.get(host).push(row);
    }
    const sorted = (map) => [...map.entries()].sort((a, b) => a[0].localeCompare(b[0]));
    fill(
      'fleet',
      rows.length === 0 ? el('p', { class: 'note' }, 'No agents to show.') : null,
      sorted(groups).map(([group, hosts]) =>
        el(
          'div',
          { class: 'group', data: { group } },
          el('h3', {}, group),
          sorted(hosts).map(([host, agents]) =>
            el(
              'div',
              { class: 'host', data: { host } },
              el('h4', {}, host),
              el(
                'ul',
                { class: 'agents' },
                agents
                  .sort((a, b) => a.id.localeCompare(b.id))
                  .map((row) =>
                    el(
                      'li',
                      { class: 'agent' + (row.silenced ? ' muted' : ''), data: { agent: row.id, state: row.state } },
                      el('a', { href: '#/agents/' + encodeURIComponent(row.id) }, row.id),
                      el('span', { class: 'badge state-' + row.state }, row.state),
                      row.silenced ? el('span', { class: 'tag silenced' }, 'silenced') : null,
                      row.acknowledged ? el('span', { class: 'tag acknowledged' }, 'acknowledged') : null,
                      ...failingChecks(row.agent).map((check) => el('span', { class: 'tag check', title: check.reason }, check.name)),
                    ),
                  ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  // ---- Alerts -------------------------------------------------------------------------------------

  function alertRow(alert) {
    const silencedBy = Array.isArray(alert.silencedBy) ? alert.silencedBy : [];
    const ack = alert.acknowledgedBy && typeof alert.acknowledgedBy === 'object' ? alert.acknowledgedBy : null;
    const agent = labelOf(alert, 'agent');
    return el(
      'tr',
      { class: 'alert', data: { fingerprint: String(alert.fingerprint || ''), agent: agent || '' } },
      el('td', {}, labelOf(alert, 'alertname') || ''),
      el('td', {}, agent ? el('a', { href: '#/agents/' + encodeURIComponent(agent) }, agent) : ''),
      el('td', {}, labelOf(alert, 'host') || ''),
      el('td', {}, labelOf(alert, 'group') || ''),
      el('td', {}, (alert.annotations && alert.annotations.reason) || ''),
      el('td', {}, time(alert.startsAt)),
      el(
        'td',
        { class: 'alert-state' },
        silencedBy.length ? el('span', { class: 'tag silenced', title: silencedBy.join(', ') }, 'silenced') : null,
        ack ? el('span', { class: 'tag acknowledged', title: String(ack.comment || '') }, 'acknowledged by ' + String(ack.by || '')) : null,
      ),
      el(
        'td',
        {},
        el('button', { type: 'button', onclick: () => silenceFor(alert) }, 'Silence…'),
        ack
          ? el('button', { type: 'button', onclick: () => acknowledge(alert, false) }, 'Unacknowledge')
          : el('button', { type: 'button', onclick: () => acknowledge(alert, true) }, 'Acknowledge'),
      ),
    );
  }

  function alertTable(alerts) {
    return el(
      'table',
      {},
      el('thead', {}, el('tr', {}, ['Alert', 'Agent', 'Host', 'Group', 'Reason', 'Since', 'State', ''].map((h) => el('th', {}, h)))),
      el('tbody', {}, alerts.map(alertRow)),
    );
  }

  function renderAlerts() {
    if (state.alertsNote) {
      fill('alerts', state.alertsNote === 'Alerts' ? unavailable('Alerts') : el('p', { class: 'note' }, state.alertsNote));
      return;
    }
    const firing = firingAlerts();
    fill('alerts', firing.length === 0 ? el('p', { class: 'note' }, 'Nothing firing.') : alertTable(firing));
  }

  function quoted(value) {
    return '"' + String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
  }

  function silenceFor(alert) {
    const names = ['alertname', 'agent'];
    byId('silence-matchers').value = names
      .filter((name) => labelOf(alert, name))
      .map((name) => name + '=' + quoted(labelOf(alert, name)))
      .join(', ');
    if (location.hash.startsWith('#/agents/')) {
      location.hash = '#/';
    }
    byId('silence-comment').focus();
  }

  async function acknowledge(alert, on) {
    const path = '/api/alerts/' + encodeURIComponent(String(alert.fingerprint)) + '/ack';
    try {
      if (on) {
        await write('POST', path, { by: who(), comment: 'from the dashboard' });
      } else {
        await write('DELETE', path);
      }
      notice(null);
      refresh(['alerts', 'agents']);
    } catch (e) {
      notice('Acknowledgement: ' + e.message, true);
    }
  }

  // ---- Silences -----------------------------------------------------------------------------------

  /** Matchers as amtool writes them: name=value, name!=value, name=~regex, name!~regex, comma-separated. */
  function parseMatchers(text) {
    const matchers = [];
    let i = 0;
    const s = text.trim().replace(/^\{/, '').replace(/\}$/, '');
    const skip = () => {
      while (i < s.length && /[\s,]/.test(s[i])) {
        i++;
      }
    };
    skip();
    while (i < s.length) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
      if (!name) {
        throw new Error('a label name is expected at "' + s.slice(i, i + 20) + '"');
      }
      i += name[0].length;
      while (s[i] === ' ') {
        i++;
      }
      const op = ['=~', '!~', '!=', '='].find((o) => s.startsWith(o, i));
      if (!op) {
        throw new Error('=, !=, =~ or !~ is expected after ' + name[0]);
      }
      i += op.length;
      while (s[i] === ' ') {
        i++;
      }
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) {
            i++;
          }
          value += s[i++];
        }
        if (s[i] !== '"') {
          throw new Error('the value of ' + name[0] + ' lacks its closing quote');
        }
        i++;
      } else {
        const end = s.indexOf(',', i);
        value = (end < 0 ? s.slice(i) : s.slice(i, end)).trim();
        i = end < 0 ? s.length : end;
      }
      matchers.push({ name: name[0], value, isRegex: op.includes('~'), isEqual: !op.startsWith('!') });
      skip();
    }
    if (matchers.length === 0) {
      throw new Error('give at least one matcher, such as agent="ingest-1"');
    }
    return matchers;
  }

  function durationMs(text) {
    const match = /^(\d+)([mhd])$/.exec(text);
    const unit = { m: 60000, h: 3600000, d: 86400000 };
    return match ? Number(match[1]) * unit[match[2]] : 2 * 3600000;
  }

  function who() {
    return byId('silence-by').value.trim() || 'dashboard';
  }

  async function createSilence(event) {
    event.preventDefault();
    const result = byId('silence-result');
    let matchers;
    try {
      matchers = parseMatchers(byId('silence-matchers').value);
    } catch (e) {
      result.textContent = e.message;
      result.className = 'result error';
      return;
    }
    const now = Date.now();
    const body = {
      matchers,
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + durationMs(byId('silence-duration').value)).toISOString(),
      createdBy: who(),
      comment: byId('silence-comment').value.trim(),
    };
    sessionStorage.setItem(NAME_KEY, body.createdBy);
    try {
      const answer = await write('POST', '/api/silences', body);
      result.textContent = 'Silence ' + String((answer && answer.silenceID) || '') + ' created.';
      result.className = 'result ok';
      byId('silence-comment').value = '';
      refresh(['silences', 'alerts', 'agents']);
      refreshSoonAgain(['silences', 'alerts']);
    } catch (e) {
      result.textContent = e.message;
      result.className = 'result error';
    }
  }

  async function expireSilence(id) {
    try {
      await write('DELETE', '/api/silences/' + encodeURIComponent(id));
      notice(null);
      refresh(['silences', 'alerts', 'agents']);
      refreshSoonAgain(['silences', 'alerts']);
    } catch (e) {
      notice('Expiring silence ' + id + ': ' + e.message, true);
    }
  }

  function matcherText(m) {
    const op = (m.isEqual === false ? '!' : '=') + (m.isRegex ? '~' : '');
    return String(m.name) + (op === '!' ? '!=' : op) + quoted(m.value);
  }

  function renderSilences() {
    if (state.silencesNote) {
      fill('silences', state.silencesNote === 'Silences' ? unavailable('Silences') : el('p', { class: 'note' }, state.silencesNote));
      return;
    }
    const shown = state.silences.filter((s) => s && s.status && s.status.state !== 'expired');
    const expired = state.silences.filter((s) => s && s.status && s.status.state === 'expired').slice(0, 20);
    const row = (s) =>
      el(
        'tr',
        { class: 'silence', data: { silence: String(s.id), state: String(s.status.state) } },
        el('td', { class: 'mono' }, String(s.id)),
        el('td', { class: 'mono' }, (Array.isArray(s.matchers) ? s.matchers : []).map(matcherText).join(', ')),
        el('td', {}, String(s.status.state), s.status.problem ? el('div', { class: 'note' }, String(s.status.problem)) : null),
        el('td', {}, time(s.startsAt)),
        el('td', {}, time(s.endsAt)),
        el('td', {}, String(s.createdBy || '')),
        el('td', {}, String(s.comment || '')),
        el(
          'td',
          {},
          s.status.state === 'active' || s.status.state === 'pending'
            ? el('button', { type: 'button', onclick: () => expireSilence(String(s.id)) }, 'Expire')
            : null,
        ),
      );
    const table = (list) =>
      el(
        'table',
        {},
        el('thead', {}, el('tr', {}, ['Id', 'Matchers', 'State', 'Starts', 'Ends', 'By', 'Comment', ''].map((h) => el('th', {}, h)))),
        el('tbody', {}, list.map(row)),
      );
    fill(
      'silences',
      shown.length === 0 ? el('p', { class: 'note' }, 'No active or pending silence.') : table(shown),
      expired.length === 0 ? null : el('details', {}, el('summary', {}, 'Recently expired (' + expired.length + ')'), table(expired)),
    );
  }

  // ---- Receivers ----------------------------------------------------------------------------------

  function renderReceivers() {
    const status = state.status;
    byId('monitor-role').textContent = status ? String(status.role || '') + (status.ready ? '' : ' (not ready)') : '';
    if (state.statusNote) {
      fill('receivers', state.statusNote === 'Receivers' ? unavailable('Receivers') : el('p', { class: 'note' }, state.statusNote));
      return;
    }
    if (!status) {
      fill('receivers');
      return;
    }
    const receivers = status.receivers && typeof status.receivers === 'object' ? Object.entries(status.receivers) : [];
    if (receivers.length === 0) {
      fill('receivers', el('p', { class: 'note' }, status.role === 'standby' ? 'A standby sends nothing: see the active monitor.' : 'No receivers.'));
      return;
    }
    const columns = ['delivered', 'requests', 'retries', 'rejected', 'dropped', 'collapsed', 'queued'];
    fill(
      'receivers',
      el(
        'table',
        {},
        el('thead', {}, el('tr', {}, ['Receiver', 'Health', ...columns, 'Last error'].map((h) => el('th', {}, h)))),
        el(
          'tbody',
          {},
          receivers.map(([name, stats]) => {
            const s = stats || {};
            const failing = Boolean(s.lastError) || Number(s.dropped) > 0;
            return el(
              'tr',
              { class: 'receiver', data: { receiver: name } },
              el('td', {}, name, s.receiver ? el('div', { class: 'note mono' }, String(s.receiver)) : null),
              el('td', { class: failing ? 'health-failing' : 'health-ok' }, failing ? 'failing' : 'ok'),
              columns.map((c) => el('td', {}, s[c] === undefined ? '' : String(s[c]))),
              el('td', {}, s.lastError ? String(s.lastError) : ''),
            );
          }),
        ),
      ),
    );
  }

  // ---- One agent ----------------------------------------------------------------------------------

  function currentAgent() {
    const match = /^#\/agents\/(.+)$/.exec(location.hash);
    if (!match) {
      return null;
    }
    try {
      return decodeURIComponent(match[1]);
    } catch (e) {
      return null;
    }
  }

  function renderAgent() {
    const id = currentAgent();
    if (id === null) {
      return;
    }
    const row = fleet().find((r) => r.id === id);
    fill('agent-title', id + ' ', row ? el('span', { class: 'badge state-' + row.state, id: 'agent-state' }, row.state) : null);
    const details = [];
    const add = (name, value) => {
      if (value !== null && value !== undefined && value !== '') {
        details.push(el('dt', {}, name), el('dd', {}, String(value)));
      }
    };
    if (row) {
      add('Host', row.host);
      add('Group', row.group);
      add('Since', time(row.since));
      const agent = row.agent || {};
      add('Crashes', agent.crashCount);
      if (agent.lastExit) {
        add('Last exit', [agent.lastExit.code !== null && agent.lastExit.code !== undefined ? 'code ' + agent.lastExit.code : null,
          agent.lastExit.signal ? 'signal ' + agent.lastExit.signal : null, time(agent.lastExit.at)].filter(Boolean).join(', '));
      }
      if (agent.labels && typeof agent.labels === 'object') {
        add('Labels', Object.entries(agent.labels).map(([k, v]) => k + '=' + v).join(', '));
      }
      if (agent.health && typeof agent.health === 'object') {
        add('Health', JSON.stringify(agent.health));
      }
    }
    fill('agent-details', row ? el('dl', { class: 'details' }, details) : el('p', { class: 'note' }, 'This monitor knows nothing of this agent now.'));
    const alerts = firingAlerts().filter((a) => labelOf(a, 'agent') === id);
    fill('agent-alerts', alerts.length === 0 ? el('p', { class: 'note' }, 'Nothing firing.') : alertTable(alerts));
    if (state.historyFor !== id) {
      fill('agent-history', el('p', { class: 'note' }, 'Reading…'));
    } else if (state.historyNote) {
      fill('agent-history', state.historyNote === 'History' ? unavailable('History') : el('p', { class: 'note' }, state.historyNote));
    } else if (state.history.length === 0) {
      fill('agent-history', el('p', { class: 'note' }, 'Nothing recorded.'));
    } else {
      const columns = ['at', 'kind', 'alertname', 'status', 'receiver', 'outcome', 'latencyMs', 'error'];
      fill(
        'agent-history',
        el(
          'table',
          {},
          el('thead', {}, el('tr', {}, columns.map((c) => el('th', {}, c)))),
          el(
            'tbody',
            {},
            state.history.map((r) =>
              el('tr', { class: 'record' }, columns.map((c) => el('td', {}, c === 'at' ? time(r[c]) : r[c] === null || r[c] === undefined ? '' : String(r[c])))),
            ),
          ),
        ),
      );
    }
  }

  // ---- Page ---------------------------------------------------------------------------------------

  function render() {
    if (state.needToken) {
      return;
    }
    if (currentAgent() === null) {
      renderFleet();
      renderAlerts();
      renderSilences();
      renderReceivers();
    } else {
      renderAgent();
      renderReceivers();
    }
  }

  function route() {
    if (state.needToken) {
      return;
    }
    const agent = currentAgent();
    byId('overview').hidden = agent !== null;
    byId('agent-page').hidden = agent === null;
    if (agent !== null && state.historyFor !== agent) {
      state.history = null;
      state.historyFor = null;
      refresh(['history']);
    }
    render();
  }

  async function start() {
    byId('token-form').addEventListener('submit', tokenGiven);
    byId('forget-token').addEventListener('click', forgetToken);
    byId('silence-form').addEventListener('submit', createSilence);
    byId('silence-by').value = sessionStorage.getItem(NAME_KEY) || '';
    window.addEventListener('hashchange', route);
    byId('forget-token').hidden = !token();
    try {
      // Whether a token is needed: /status answers 401 without one.
      const probe = await call('GET', '/status');
      if (!probe.ok) {
        throw await failure(probe);
      }
    } catch (e) {
      if (!(e instanceof HttpError && e.status === 401)) {
        notice('The monitor does not answer: ' + e.message, true);
      }
      if (state.needToken) {
        return;
      }
    }
    route();
    refreshAll();
    restartStream();
    setInterval(() => refresh(['status']), STATUS_EVERY_MS);
    setInterval(() => refresh(['agents', 'alerts', 'silences']), EVERYTHING_EVERY_MS);
  }

  document.addEventListener('DOMContentLoaded', start);
})();
