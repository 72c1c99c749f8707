// The console: admins and auditors. It signs in at the realm as the public client of config.json (authorization code flow with
// PKCE, no secret in a page) and calls each service's public API with the user's own token, so what it shows and lets one do is
// exactly what the APIs let that user see and do. An auditor gets the same views with every action disabled; the APIs refuse
// them anyway. Charts are drawn here as SVG: no library, nothing fetched from elsewhere.
'use strict';

const ADMIN = 'portcullis-admin';
const AUDITOR = 'portcullis-auditor';
const SENSITIVITIES = ['PUBLIC', 'GENERAL', 'CONFIDENTIAL', 'HIGHLY_CONFIDENTIAL'];
const SENSITIVITY_COLOURS = {PUBLIC: '#5aa66f', GENERAL: '#5b82c9', CONFIDENTIAL: '#e0a030', HIGHLY_CONFIDENTIAL: '#c84a4a'};
const CONTROL_MODELS = ['IT_GOVERNED', 'DELEGATED', 'SELF_SERVICE'];

const session = {config: null, tokens: null, roles: [], email: null};

// ---- signing in (RFC 6749 code flow with RFC 7636 PKCE)

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function redirectUri() {
  return location.origin + location.pathname;
}

function endpoint(name) {
  return session.config.oidc.issuer + '/protocol/openid-connect/' + name;
}

async function signIn() {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('console.pkce', JSON.stringify({verifier, state, hash: location.hash}));
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const url = new URL(endpoint('auth'));
  url.search = new URLSearchParams({client_id: session.config.oidc.clientId, redirect_uri: redirectUri(), response_type: 'code',
    scope: 'openid email profile', state, code_challenge: challenge, code_challenge_method: 'S256'});
  location.assign(url.toString());
}

async function tokenRequest(form) {
  const response = await fetch(endpoint('token'), {method: 'POST', body: new URLSearchParams(form),
    headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
  if (!response.ok) {
    throw new Error('the sign-in was refused (' + response.status + ')');
  }
  const tokens = await response.json();
  tokens.expiresAt = Date.now() + (tokens.expires_in - 30) * 1000;
  session.tokens = tokens;
  sessionStorage.setItem('console.tokens', JSON.stringify(tokens));
}

/** Back from the login page: the code, bound to the verifier this tab kept, becomes tokens. */
async function completeSignIn(params) {
  const started = JSON.parse(sessionStorage.getItem('console.pkce') || 'null');
  sessionStorage.removeItem('console.pkce');
  if (!started || started.state !== params.get('state')) {
    throw new Error('that sign-in was not started from this page');
  }
  await tokenRequest({grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(),
    client_id: session.config.oidc.clientId, code_verifier: started.verifier});
  history.replaceState(null, '', location.pathname + (started.hash || ''));
}

async function freshToken() {
  if (Date.now() < session.tokens.expiresAt) {
    return session.tokens.access_token;
  }
  try {
    await tokenRequest({grant_type: 'refresh_token', refresh_token: session.tokens.refresh_token, client_id: session.config.oidc.clientId});
  } catch (e) {
    sessionStorage.removeItem('console.tokens');
    await signIn();
  }
  return session.tokens.access_token;
}

function claims(jwt) {
  const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(decodeURIComponent(escape(atob(payload))));
}

function signOut() {
  const idToken = session.tokens && session.tokens.id_token;
  sessionStorage.removeItem('console.tokens');
  const url = new URL(endpoint('logout'));
  url.search = new URLSearchParams({client_id: session.config.oidc.clientId, post_logout_redirect_uri: redirectUri(),
    ...(idToken ? {id_token_hint: idToken} : {})});
  location.assign(url.toString());
}

function isAdmin() {
  return session.roles.includes(ADMIN);
}

// ---- the APIs

class Refused extends Error {
  constructor(status, problem) {
    const fields = (problem && problem.errors || []).map(e => e.field + ': ' + e.message).join('; ');
    super(((problem && (problem.detail || problem.title)) || 'HTTP ' + status) + (fields ? ' (' + fields + ')' : ''));
    this.status = status;
  }
}

async function api(service, method, path, body) {
  const token = await freshToken();
  const response = await fetch(session.config.services[service] + path, {method,
    headers: {'Authorization': 'Bearer ' + token, 'Accept': 'application/json', ...(body !== undefined ? {'Content-Type': 'application/json'} : {})},
    body: body !== undefined ? JSON.stringify(body) : undefined});
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new Refused(response.status, data);
  }
  return data;
}

// ---- the page's pieces

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, value]) => {
    if (value === undefined || value === null || value === false) {
      return;
    }
    if (name.startsWith('on')) {
      node.addEventListener(name.substring(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : value);
    }
  });
  children.flat().forEach(child => node.append(child instanceof Node ? child : document.createTextNode(child === undefined || child === null ? '' : String(child))));
  return node;
}

function svg(tag, attributes, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
  children.flat().forEach(child => node.append(child instanceof Node ? child : document.createTextNode(String(child))));
  return node;
}

function when(instant) {
  return instant ? new Date(instant).toISOString().replace('T', ' ').substring(0, 16) + ' UTC' : '—';
}

function sum(map) {
  return Object.values(map || {}).reduce((a, b) => a + b, 0);
}

function table(columns, rows, attributes) {
  return el('table', attributes, el('thead', null, el('tr', null, columns.map(c => el('th', {scope: 'col'}, c)))),
    el('tbody', null, rows.length ? rows : el('tr', null, el('td', {colspan: columns.length, class: 'meta'}, 'None.'))));
}

function say(kind, text) {
  const box = document.getElementById('outcome');
  box.className = kind;
  box.textContent = text;
  box.hidden = false;
  box.focus();
}

/**
 * A button that changes something: for an auditor it is shown disabled (they see what an admin could do, and cannot). Its work's
 * refusal is shown as the API's problem says it; its success as `done` returns it, and the view is drawn again.
 */
function action(label, work, options) {
  const opts = options || {};
  return el('button', {type: 'button', class: opts.kind || '', 'data-action': opts.name || label, disabled: !isAdmin(),
    title: isAdmin() ? null : 'Read-only: auditors see what an admin could do', onclick: async event => {
      event.target.disabled = true;
      try {
        const done = await work();
        say('done', done || label + ': done.');
        await show();
      } catch (e) {
        say('message', label + ': ' + e.message);
        event.target.disabled = false;
      }
    }}, label);
}

/** A partner's Shared Signals transmitter, as the admin names it. */
function transmitter() {
  const issuer = prompt('The partner’s transmitter issuer (https://…)');
  const audience = issuer && prompt('The audience its SETs name (this receiver)');
  if (!issuer || !audience) {
    throw new Error('cancelled');
  }
  return {issuer, audience};
}

function reasonAsked(what) {
  const reason = prompt('Why? (' + what + ')');
  if (reason === null) {
    throw new Error('cancelled');
  }
  return reason;
}

// ---- charts

/** Horizontal stacked bars: one row per label, one segment per series (its colour), each with its count as a title. */
function stackedBars(title, rows, series, colours) {
  const width = 640, rowHeight = 30, left = 120, top = 8;
  const max = Math.max(1, ...rows.map(r => sum(r.values)));
  const chart = svg('svg', {viewBox: `0 0 ${width} ${top + rows.length * rowHeight + 28}`, role: 'img', 'aria-label': title, class: 'chart'});
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    chart.append(svg('text', {x: left - 8, y: y + 17, 'text-anchor': 'end', class: 'axis'}, row.label));
    let x = left;
    series.forEach(name => {
      const count = row.values[name] || 0;
      if (count > 0) {
        const w = (width - left - 40) * count / max;
        chart.append(svg('rect', {x, y: y + 4, width: Math.max(w, 1), height: rowHeight - 10, fill: colours[name], 'data-series': name},
          svg('title', null, `${row.label}, ${name}: ${count}`)));
        x += w;
      }
    });
    chart.append(svg('text', {x: x + 6, y: y + 17, class: 'axis'}, sum(row.values)));
  });
  let lx = left;
  series.forEach(name => {
    const y = top + rows.length * rowHeight + 12;
    chart.append(svg('rect', {x: lx, y, width: 10, height: 10, fill: colours[name]}));
    chart.append(svg('text', {x: lx + 14, y: y + 9, class: 'legend'}, name));
    lx += 30 + name.length * 6.5;
  });
  return chart;
}

/** Lines over days: each series a colour, the last value written at its end. */
function lines(title, days, series) {
  const width = 640, height = 220, left = 40, right = 20, top = 10, bottom = 44;
  const chart = svg('svg', {viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title, class: 'chart'});
  if (days.length === 0) {
    chart.append(svg('text', {x: left, y: height / 2, class: 'axis'}, 'No day recorded yet: the first point is written within the hour.'));
    return chart;
  }
  const max = Math.max(1, ...series.flatMap(s => s.values));
  const x = i => left + (days.length === 1 ? (width - left - right) / 2 : i * (width - left - right) / (days.length - 1));
  const y = v => top + (height - top - bottom) * (1 - v / max);
  chart.append(svg('line', {x1: left, y1: y(0), x2: width - right, y2: y(0), class: 'grid'}));
  chart.append(svg('text', {x: left - 6, y: y(max) + 4, 'text-anchor': 'end', class: 'axis'}, max));
  chart.append(svg('text', {x: left - 6, y: y(0) + 4, 'text-anchor': 'end', class: 'axis'}, 0));
  chart.append(svg('text', {x: left, y: height - 26, class: 'axis'}, days[0]));
  chart.append(svg('text', {x: width - right, y: height - 26, 'text-anchor': 'end', class: 'axis'}, days[days.length - 1]));
  series.forEach(s => {
    const points = s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ');
    chart.append(svg('polyline', {points, fill: 'none', stroke: s.colour, 'stroke-width': 2, 'data-series': s.name}));
    s.values.forEach((v, i) => chart.append(svg('circle', {cx: x(i), cy: y(v), r: 2.5, fill: s.colour}, svg('title', null, `${days[i]} ${s.name}: ${v}`))));
  });
  // the legend below, each series with its last value
  let lx = left;
  series.forEach(s => {
    const label = `${s.name}: ${s.values[s.values.length - 1]}`;
    chart.append(svg('rect', {x: lx, y: height - 14, width: 10, height: 10, fill: s.colour}));
    chart.append(svg('text', {x: lx + 14, y: height - 5, class: 'legend'}, label));
    lx += 30 + label.length * 6.2;
  });
  return chart;
}

// ---- the views

const views = {
  async posture(main) {
    const [now, series] = await Promise.all([api('policy', 'GET', '/api/v1/posture'), api('policy', 'GET', '/api/v1/posture/series')]);
    const p = now.posture, org = p.organization;
    const tile = (label, value, warn) => el('div', {class: 'tile' + (warn && value > 0 ? ' warn' : ''), 'data-figure': label},
      el('span', {class: 'value'}, value), el('span', {class: 'label'}, label));
    main.append(el('h2', null, 'External-access posture'), el('p', {class: 'meta'}, 'As of ' + when(p.asOf)),
      el('div', {class: 'tiles'},
        tile('active guests', (org.guestsByState || {}).ACTIVE || 0),
        tile('active grants', sum(org.activeGrantsBySensitivity)),
        tile('open-ended sensitive grants', org.openEndedSensitiveGrants, true),
        tile('inactive 90 days', (org.inactiveGuests || {})['90d'] || 0, true),
        tile('without a sponsor', org.guestsWithoutSponsor, true),
        tile('invitations never redeemed', org.invitationsNeverRedeemed, true),
        tile('open policy violations', org.openViolations, true),
        tile('held enforcements', p.heldEnforcements, true),
        tile('grants reviewed in 90 days', org.reviewCoverage.share === null ? '—' : Math.round(org.reviewCoverage.share * 100) + ' %'),
        tile('sensitive grants never reviewed', org.reviewCoverage.neverReviewedSensitive, true),
        tile('time to revoke, p50 / p99 (7 days)', p.timeToRevoke.signals === 0 ? 'no signal'
          : `${p.timeToRevoke.p50Millis} / ${p.timeToRevoke.p99Millis} ms`)));

    main.append(el('h2', null, 'What to do'));
    const recommendations = el('div', {class: 'recommendations'});
    now.recommendations.forEach(r => {
      const card = el('section', {class: 'recommendation', 'data-recommendation': r.kind, 'data-scenario': r.scenarioId || '',
        'data-partner': r.partnerId || ''},
        el('h3', null, r.title), el('p', null, r.why));
      const a = r.action;
      if (a.method === 'GET') {
        card.append(el('a', {href: '#enforcement', class: 'button'}, 'Show them'));
      } else {
        const connects = a.method === 'PUT' && a.path.endsWith('/ssf');
        card.append(action(a.path === '/api/v1/campaigns' ? 'Start this review' : connects ? 'Connect its transmitter' : 'Do it', async () => {
          const body = connects ? transmitter() : a.body;
          const result = await api(a.service, a.method, a.path, body);
          return a.path === '/api/v1/campaigns' ? `Campaign “${result.name}” started: ${result.counts.total} item(s) to review.` : null;
        }, {kind: 'primary', name: 'follow'}));
        card.append(el('p', {class: 'meta api'}, `${a.method} ${a.service} ${a.path}`));
      }
      recommendations.append(card);
    });
    if (now.recommendations.length === 0) {
      recommendations.append(el('p', {class: 'empty'}, 'Nothing to do: no finding calls for an action.'));
    }
    main.append(recommendations);

    main.append(el('h2', null, 'Sensitivity by control model'),
      el('p', {class: 'meta'}, 'Active grants in each kind of scenario: the most sensitive access outside IT’s control first calls for review.'));
    const matrix = {};
    CONTROL_MODELS.forEach(m => matrix[m] = {});
    p.scenarios.forEach(s => Object.entries(s.figures.activeGrantsBySensitivity || {}).forEach(([k, v]) => {
      matrix[s.controlModel][k] = (matrix[s.controlModel][k] || 0) + v;
    }));
    main.append(stackedBars('Active grants by sensitivity and control model', CONTROL_MODELS.map(m => ({label: m, values: matrix[m]})),
      SENSITIVITIES, SENSITIVITY_COLOURS));
    main.append(table(['Control model', ...SENSITIVITIES], CONTROL_MODELS.map(m => el('tr', {'data-control-model': m}, el('th', {scope: 'row'}, m),
      SENSITIVITIES.map(s => el('td', {'data-sensitivity': s}, matrix[m][s] || 0)))), {class: 'matrix'}));

    main.append(el('h2', null, 'Over time'), el('p', {class: 'meta'}, 'The organization, day by day (the last 90 days).'));
    const days = series.map(point => point.day);
    main.append(lines('Active guests, active grants and findings over the last 90 days', days, [
      {name: 'active guests', colour: '#234a8f', values: series.map(pt => (pt.figures.guestsByState || {}).ACTIVE || 0)},
      {name: 'active grants', colour: '#5aa66f', values: series.map(pt => sum(pt.figures.activeGrantsBySensitivity))},
      {name: 'open-ended sensitive', colour: '#e0a030', values: series.map(pt => pt.figures.openEndedSensitiveGrants)},
      {name: 'violations', colour: '#c84a4a', values: series.map(pt => pt.figures.openViolations)}]));

    main.append(el('h2', null, 'Scenarios'), table(['Scenario', 'Control model', 'Active guests', 'Grants by sensitivity', 'Open-ended sensitive', 'Violations'],
      p.scenarios.map(s => el('tr', {'data-scenario': s.scenarioId}, el('td', null, s.name), el('td', null, s.controlModel),
        el('td', null, (s.figures.guestsByState || {}).ACTIVE || 0),
        el('td', null, SENSITIVITIES.filter(k => (s.figures.activeGrantsBySensitivity || {})[k]).map(k =>
          el('span', {class: 'badge ' + k}, k + ' ' + s.figures.activeGrantsBySensitivity[k]))),
        el('td', null, s.figures.openEndedSensitiveGrants), el('td', null, s.figures.openViolations)))));
  },

  async partners(main) {
    const page = await api('inventory', 'GET', '/api/v1/partners?limit=200');
    main.append(el('h2', null, 'Partners'), table(['Partner', 'Tenant', 'Domains', 'State', 'Signal clients', 'Last signal', 'SCIM', ''],
      page.items.map(partner => el('tr', {'data-partner': partner.id}, el('td', null, partner.name), el('td', null, partner.tenantId),
        el('td', null, (partner.domains || []).join(', ')), el('td', {class: 'state'}, partner.state),
        el('td', null, (partner.signalClients || []).join(', ') || '—'), el('td', null, when(partner.lastSignalAt)),
        el('td', null, partner.scimProvisionedAt ? 'since ' + when(partner.scimProvisionedAt) : '—'),
        el('td', null, partner.state === 'BLOCKED'
          ? action('Unblock', () => api('inventory', 'PATCH', '/api/v1/partners/' + partner.id, {state: 'CONNECTED'}))
          : action('Block', () => api('inventory', 'PATCH', '/api/v1/partners/' + partner.id, {state: 'BLOCKED'}), {kind: 'deny'}),
          ' ', action('Connect transmitter', () => api('inventory', 'PUT', '/api/v1/partners/' + partner.id + '/ssf', transmitter())))))));
  },

  async guests(main, query) {
    const q = query.get('q') || '';
    const form = el('form', {class: 'search', role: 'search', onsubmit: event => {
      event.preventDefault();
      location.hash = 'guests?q=' + encodeURIComponent(form.elements.q.value);
    }}, el('label', {for: 'q'}, 'Email or name starts with '), el('input', {type: 'text', id: 'q', name: 'q', value: q}), ' ',
    el('button', {type: 'submit'}, 'Search'));
    const page = await api('inventory', 'GET', '/api/v1/guests?limit=100' + (q ? '&q=' + encodeURIComponent(q) : ''));
    main.append(el('h2', null, 'Guests'), form, table(['Guest', 'State', 'Sponsors', 'Last sign-in', 'Invited'],
      page.items.map(g => el('tr', {'data-guest': g.id}, el('td', null, el('a', {href: '#guest?id=' + g.id}, g.email)),
        el('td', {class: 'state'}, g.state), el('td', null, (g.sponsors || []).join(', ') || 'none'), el('td', null, when(g.lastSignInAt)),
        el('td', null, when(g.createdAt))))));
  },

  async grants(main, query) {
    const asked = new URLSearchParams([...query.entries()].filter(([, v]) => v));
    const partners = await api('inventory', 'GET', '/api/v1/partners?limit=200');
    const choice = (name, label, options) => el('label', null, label + ' ', el('select', {name},
      el('option', {value: ''}, 'any'), options.map(([value, text]) => el('option', {value, selected: query.get(name) === value}, text))));
    const form = el('form', {class: 'search', role: 'search', onsubmit: event => {
      event.preventDefault();
      const next = new URLSearchParams();
      ['q', 'partnerId', 'minSensitivity', 'state'].forEach(n => form.elements[n].value && next.set(n, form.elements[n].value));
      location.hash = 'grants?' + next.toString();
    }}, el('label', null, 'Guest’s email or name starts with ', el('input', {type: 'text', name: 'q', value: query.get('q') || ''})), ' ',
    choice('partnerId', 'Partner', partners.items.map(p => [p.id, p.name])), ' ',
    choice('minSensitivity', 'From sensitivity', SENSITIVITIES.map(k => [k, k])), ' ',
    choice('state', 'State', [['ACTIVE', 'active'], ['REVOKED', 'revoked']]), ' ',
    el('button', {type: 'submit'}, 'Search'));
    const page = await api('inventory', 'GET', '/api/v1/grants?limit=200&' + asked.toString());
    main.append(el('h2', null, 'Grants'), form, table(['Guest', 'Resource', 'Sensitivity', 'Role', 'State', 'Given', 'By', 'Ends', ''],
      page.items.map(grant => el('tr', {'data-grant': grant.id}, el('td', null, el('a', {href: '#guest?id=' + grant.guestId}, grant.guestEmail)),
        el('td', null, grant.resourceName), el('td', null, el('span', {class: 'badge ' + grant.sensitivity}, grant.sensitivity)),
        el('td', null, grant.role), el('td', {class: 'state'}, grant.state + (grant.revokedReason ? ' (' + grant.revokedReason + ')' : '')),
        el('td', null, when(grant.grantedAt)), el('td', null, grant.grantedBy), el('td', null, when(grant.revokedAt || grant.expiresAt)),
        el('td', null, grant.state === 'ACTIVE' ? action('Revoke', () => api('inventory', 'DELETE', '/api/v1/grants/' + grant.id,
          {reason: reasonAsked('revoking')}), {kind: 'deny'}) : '')))),
      page.nextCursor ? el('p', {class: 'meta'}, 'The first 200 shown: narrow the search to see the rest.') : '');
  },

  async guest(main, query) {
    const id = query.get('id');
    const [g, history] = await Promise.all([api('inventory', 'GET', '/api/v1/guests/' + id),
      api('inventory', 'GET', '/api/v1/audit?limit=200&guestId=' + id)]);
    main.append(el('h2', null, g.email + (g.displayName ? ' (' + g.displayName + ')' : '')),
      el('p', {class: 'meta'}, `${g.state} · home ${g.homeTenantId} / ${g.homeSubject} · sponsors ${(g.sponsors || []).join(', ') || 'none'}`
        + ` · invited by ${g.invitedBy || '—'} ${when(g.createdAt)}`),
      el('p', null, g.state === 'BLOCKED'
        ? action('Unblock', () => api('inventory', 'POST', `/api/v1/guests/${id}/unblock`, {reason: reasonAsked('unblocking')}))
        : action('Block', () => api('inventory', 'POST', `/api/v1/guests/${id}/block`, {reason: reasonAsked('blocking')}), {kind: 'deny'})),
      el('h3', null, 'Active grants'), table(['Resource', 'Role', 'Given', 'By', 'Ends', ''],
        (g.activeGrants || []).map(grant => el('tr', {'data-grant': grant.id}, el('td', null, grant.resourceId), el('td', null, grant.role),
          el('td', null, when(grant.grantedAt)), el('td', null, grant.grantedBy), el('td', null, when(grant.expiresAt)),
          el('td', null, action('Revoke', () => api('inventory', 'DELETE', '/api/v1/grants/' + grant.id, {reason: reasonAsked('revoking')}),
            {kind: 'deny'}))))),
      el('h3', null, 'History (audit trail)'), table(['When', 'Who', 'What', 'Why'],
        history.items.map(r => el('tr', null, el('td', null, when(r.recordedAt)), el('td', null, r.actor), el('td', null, r.action),
          el('td', null, [r.reason, r.cause].filter(Boolean).join(' · '))))));
  },

  async campaigns(main) {
    const page = await api('review', 'GET', '/api/v1/campaigns?limit=100');
    // a one-off review, started in one call (POST /api/v1/campaigns); items nobody else answers for come to the admin who starts it
    const form = el('form', {class: 'search', id: 'start-campaign', onsubmit: event => event.preventDefault()},
      el('label', null, 'Name ', el('input', {type: 'text', name: 'name', required: true})), ' ',
      el('label', null, 'Reviewers ', el('select', {name: 'reviewers'}, el('option', {value: 'RESOURCE_OWNERS'}, 'resource owners'),
        el('option', {value: 'SPONSORS'}, 'sponsors'), el('option', {value: 'SELF'}, 'the guests themselves'))), ' ',
      el('label', null, 'From sensitivity ', el('select', {name: 'minSensitivity'}, el('option', {value: ''}, 'any'),
        SENSITIVITIES.map(k => el('option', {value: k}, k)))), ' ',
      el('label', null, 'Days ', el('input', {type: 'number', name: 'durationDays', value: 14, min: 1, max: 180})), ' ',
      action('Start the campaign', async () => {
        const f = form.elements;
        const scope = f.minSensitivity.value ? {minSensitivity: f.minSensitivity.value} : {};
        const started = await api('review', 'POST', '/api/v1/campaigns', {name: f.name.value, scope, reviewers: f.reviewers.value,
          fallbackReviewers: [session.email], recurrence: 'ONCE', durationDays: Number(f.durationDays.value)});
        return `Campaign “${started.name}” started: ${started.counts.total} item(s) to review.`;
      }, {kind: 'primary', name: 'start-campaign'}));
    main.append(el('h2', null, 'Campaigns'), form, table(['Campaign', 'State', 'Started', 'Ends', 'Items', ''],
      page.items.slice().reverse().map(c => el('tr', {'data-campaign': c.id}, el('td', null, c.name), el('td', {class: 'state'}, c.state + (c.applyHeld ? ' (apply held)' : '')),
        el('td', null, when(c.startedAt) + ' by ' + c.startedBy), el('td', null, when(c.endsAt)),
        el('td', null, c.counts ? `${c.counts.total} (${c.counts.approved} approved, ${c.counts.denied} denied)` : ''),
        el('td', null, c.state === 'IN_PROGRESS' ? [action('Complete now', () => api('review', 'POST', `/api/v1/campaigns/${c.id}/complete`)), ' ',
          action('Cancel', () => api('review', 'POST', `/api/v1/campaigns/${c.id}/cancel`), {kind: 'deny'})]
          : c.state === 'COMPLETED' && c.applyHeld ? action('Confirm the held apply', () => api('review', 'POST', `/api/v1/campaigns/${c.id}/apply?confirm=true`), {kind: 'deny'})
            : '')))));
  },

  async enforcement(main) {
    const [violations, holds] = await Promise.all([api('policy', 'GET', '/api/v1/violations?state=OPEN&limit=200'),
      api('policy', 'GET', '/api/v1/enforcement-holds?state=PENDING&limit=100')]);
    main.append(el('h2', null, 'Held enforcements'), el('p', {class: 'meta'}, 'A policy whose revocations were many waits for an admin.'),
      table(['Policy', 'Held since', 'Revocations held', ''],
      holds.items.map(h => el('tr', {'data-hold': h.id}, el('td', null, `${h.policyName} (v${h.policyVersion})`), el('td', null, when(h.createdAt)),
        el('td', null, `${h.revocationsHeld} of ${h.grantsInScope} grants in scope`), el('td', null, action('Confirm', () => api('policy', 'POST', `/api/v1/enforcement-holds/${h.id}/confirm`), {kind: 'deny'}), ' ',
          action('Decline', () => api('policy', 'POST', `/api/v1/enforcement-holds/${h.id}/decline`)))))));
    main.append(el('h2', null, 'Open policy violations'), table(['Policy', 'Guest', 'Resource', 'Since', 'What'],
      violations.items.map(v => el('tr', {'data-violation': v.id}, el('td', null, v.policyName || v.policyId),
        el('td', null, el('a', {href: '#guest?id=' + v.guestId}, v.guestId)), el('td', null, v.resourceId),
        el('td', null, when(v.detectedAt)), el('td', null, `${v.message} (${v.mode})`)))));
  },

  async evidence(main, query) {
    const [partners, scenarios] = await Promise.all([api('inventory', 'GET', '/api/v1/partners?limit=200'),
      api('policy', 'GET', '/api/v1/scenarios?limit=200')]);
    const select = (name, label, items) => el('label', null, label + ' ', el('select', {name},
      el('option', {value: ''}, 'all'), items.map(i => el('option', {value: i.id, selected: query.get(name) === i.id}, i.name))));
    const form = el('form', {class: 'search', onsubmit: event => {
      event.preventDefault();
      const asked = new URLSearchParams();
      ['partnerId', 'scenarioId', 'from', 'to'].forEach(n => form.elements[n].value && asked.set(n, form.elements[n].value));
      location.hash = 'evidence?' + asked.toString() + '&show=1';
    }}, select('partnerId', 'Partner', partners.items), ' ', select('scenarioId', 'Scenario', scenarios.items), ' ',
    el('label', null, 'From ', el('input', {type: 'date', name: 'from', value: query.get('from') || ''})), ' ',
    el('label', null, 'to ', el('input', {type: 'date', name: 'to', value: query.get('to') || ''})), ' ',
    el('button', {type: 'submit', class: 'primary'}, 'Draw the report'));
    main.append(el('h2', null, 'Evidence of external access'), el('p', {class: 'meta'}, 'Each external user, their access, its reviews'
      + ' and its removal, from the audit trail, with the chain’s verification: print it to PDF from the browser, or download the CSV.'), form);
    if (!query.get('show')) {
      return;
    }
    const asked = new URLSearchParams([...query.entries()].filter(([k]) => k !== 'show')).toString();
    const report = await api('inventory', 'GET', '/api/v1/evidence?' + asked);
    main.append(el('p', null, el('button', {type: 'button', onclick: () => window.print()}, 'Print'), ' ',
      el('button', {type: 'button', onclick: async () => {
        const response = await fetch(session.config.services.inventory + '/api/v1/evidence?' + asked,
          {headers: {'Authorization': 'Bearer ' + await freshToken(), 'Accept': 'text/csv'}});
        const link = el('a', {href: URL.createObjectURL(await response.blob()), download: 'portcullis-evidence.csv'});
        document.body.append(link);
        link.click();
        link.remove();
      }}, 'Download CSV')),
      el('p', {class: 'meta'}, `Drawn ${when(report.drawnAt)} · ${report.guests} guest(s)`));
    let current = null;
    let rows = [];
    const flush = () => current && main.append(el('section', {class: 'evidence-guest', 'data-guest': current},
      el('h3', null, rows[0].guest), table(['Section', 'When', 'Who', 'Resource', 'What', 'Why', 'Cause', 'Chain'],
        rows.map(l => el('tr', {'data-section': l.section}, el('td', null, l.section), el('td', null, when(l.at)), el('td', null, l.actor || ''),
          el('td', null, l.resource || ''), el('td', null, l.what || ''), el('td', null, l.why || ''), el('td', null, l.cause || ''),
          el('td', {class: 'meta'}, l.auditChainSeq ? '#' + l.auditChainSeq : ''))))));
    report.lines.forEach(line => {
      if (line.guestId !== current) {
        flush();
        current = line.guestId;
        rows = [];
      }
      rows.push(line);
    });
    flush();
    const chain = report.chain;
    main.append(el('p', {id: 'chain', class: chain.intact ? 'done' : 'message'}, chain.intact
      ? `Audit chain intact: ${chain.checked} record(s) checked; head ${report.chainHead}.`
      : `Audit chain BROKEN at position ${chain.firstBrokenAt}: ${chain.problem}`));
  },

  async 'dead-letters'(main) {
    main.append(el('h2', null, 'Dead letters'), el('p', {class: 'meta'}, 'Events a service could not take, with the reason; re-drive one once its cause is fixed.'));
    for (const service of ['inventory', 'review', 'policy', 'notification']) {
      main.append(el('h3', null, service + '-service'));
      try {
        const letters = await api(service, 'GET', '/api/v1/admin/dead-letters?limit=50');
        main.append(table(['Topic', 'Event', 'Reason', 'When', ''], letters.items.map(d => el('tr', null,
          el('td', null, `${d.originalTopic || d.topic} (${d.partition}/${d.offset})`), el('td', null, d.ceType || ''), el('td', null, d.reason || d.cause || ''),
          el('td', null, when(d.deadLetteredAt)), el('td', null, action('Re-drive', () => api(service, 'POST', '/api/v1/admin/dead-letters/redrive',
            {records: [{topic: d.topic, partition: d.partition, offset: d.offset}]})))))));
      } catch (e) {
        main.append(el('p', {class: 'meta'}, e.status === 403 ? 'Admins only.' : e.message));
      }
    }
  }
};

async function show() {
  const main = document.getElementById('main');
  const [name, rest] = (location.hash.substring(1) || 'posture').split('?');
  const view = views[name] || views.posture;
  document.querySelectorAll('#nav a').forEach(a => a.toggleAttribute('aria-current', a.getAttribute('href') === '#' + name));
  const outcome = document.getElementById('outcome');
  const body = el('div', {id: 'view', 'data-view': name});
  try {
    await view(body, new URLSearchParams(rest || ''));
  } catch (e) {
    body.append(el('p', {class: 'message'}, 'Could not load this view: ' + e.message));
  }
  main.replaceChildren(outcome || el('p', {id: 'outcome', hidden: true, tabindex: '-1', role: 'status'}), body);
}

async function boot() {
  session.config = await (await fetch('config.json')).json();
  const params = new URLSearchParams(location.search);
  if (params.has('code')) {
    await completeSignIn(params);
  } else {
    session.tokens = JSON.parse(sessionStorage.getItem('console.tokens') || 'null');
  }
  if (!session.tokens) {
    await signIn();
    return;
  }
  const token = claims(session.tokens.access_token);
  session.roles = (token.realm_access && token.realm_access.roles) || token.groups || [];
  session.email = token.email || token.preferred_username;
  document.getElementById('me').textContent = session.email;
  const signOutButton = document.getElementById('sign-out');
  signOutButton.hidden = false;
  signOutButton.addEventListener('click', signOut);
  if (!isAdmin() && !session.roles.includes(AUDITOR)) {
    document.getElementById('main').replaceChildren(el('p', {class: 'empty', id: 'no-console'},
      'The console is for admins and auditors. Your review items are on the review page.'), el('p', null, el('a', {href: '/reviews'}, 'Open the review page')));
    return;
  }
  document.getElementById('role').textContent = isAdmin() ? 'admin' : 'auditor (read-only)';
  document.getElementById('nav').hidden = false;
  window.addEventListener('hashchange', () => {
    const outcome = document.getElementById('outcome');
    if (outcome) {
      outcome.hidden = true; // what the last action said belongs to the view it was taken on
    }
    show();
  });
  await show();
}

boot().catch(e => {
  document.getElementById('main').replaceChildren(el('p', {class: 'message'}, 'The console could not start: ' + e.message));
});
