// The studio's modeler: bpmn-js with its properties panel (Camunda 7 attributes), server
// validation with each problem marked on the element it names, deployment as a new version.
import Modeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';

import { fetchText, fitReadable, mark, unmarkAll } from './markers.js';
import supportedGroups from './supported-groups.js';
import { translateModule } from './translate.js';
import './modeler.css';

const canvasNode = document.getElementById('canvas');
const texts = document.getElementById('studio-text').dataset;
const statusNode = document.getElementById('studio-status');
const problemsNode = document.getElementById('problems');
const deployedNode = document.getElementById('deployed');
const validateButton = document.getElementById('validate');
const deployButton = document.getElementById('deploy');

const modeler = new Modeler({
  container: canvasNode,
  propertiesPanel: {
    parent: '#properties',
    layout: { groups: { general: { open: true }, CamundaPlatform__UserAssignment: { open: true } } }
  },
  additionalModules: [
    BpmnPropertiesPanelModule,
    BpmnPropertiesProviderModule,
    CamundaPlatformPropertiesProviderModule,
    CamundaBehaviorsModule,
    supportedGroups,
    translateModule(canvasNode.dataset.lang)
  ],
  moddleExtensions: { camunda: camundaModdle }
});

function say(message, kind) {
  statusNode.textContent = message;
  statusNode.className = `studio-status ${kind || ''}`;
}

function editedForms() {
  const forms = {};
  for (const form of document.querySelectorAll('form.form-editor[data-form-name]')) {
    const schema = form.elements.schema;
    const ui = form.elements.ui_schema;
    if (schema.value !== schema.defaultValue || ui.value !== ui.defaultValue) {
      forms[form.dataset.formName] = { schema: schema.value, ui_schema: ui.value };
    }
  }
  return forms;
}

async function post(url) {
  const { xml } = await modeler.saveXML({ format: true });
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': canvasNode.dataset.csrf },
    body: JSON.stringify({ xml, forms: editedForms() })
  });
  const body = await response.json().catch(() => ({ detail: response.statusText }));
  return { status: response.status, body };
}

function clearProblems() {
  unmarkAll(modeler, 'problem-error');
  unmarkAll(modeler, 'problem-warning');
  modeler.get('overlays').remove({ type: 'problem' });
  problemsNode.querySelector('ul').replaceChildren();
  problemsNode.hidden = true;
}

function focusElement(id) {
  const element = modeler.get('elementRegistry').get(id);
  if (!element) return;
  modeler.get('canvas').scrollToElement(element);
  modeler.get('selection').select(element);
}

function showProblems(problems) {
  clearProblems();
  const list = problemsNode.querySelector('ul');
  for (const problem of problems) {
    const severity = problem.severity || 'error';
    const item = document.createElement('li');
    item.className = `problem problem-${severity}`;
    item.dataset.element = problem.element || '';
    const label = document.createElement('strong');
    label.textContent = severity === 'warning' ? texts.warning : texts.error;
    item.append(label, ' ');
    if (problem.element) {
      const link = document.createElement('button');
      link.type = 'button';
      link.className = 'link element-link';
      link.textContent = problem.element;
      link.addEventListener('click', () => focusElement(problem.element));
      item.append(link, ' ');
    }
    item.append(problem.detail || '');
    list.append(item);
    if (problem.element && mark(modeler, [ problem.element ], `problem-${severity}`).length) {
      const badge = document.createElement('div');
      badge.className = `problem-badge ${severity}`;
      badge.textContent = severity === 'warning' ? '!' : '✕';
      badge.title = problem.detail || '';
      badge.addEventListener('click', () => focusElement(problem.element));
      modeler.get('overlays').add(problem.element, 'problem', { position: { top: -10, right: 10 }, html: badge });
    }
  }
  problemsNode.hidden = problems.length === 0;
}

async function validate() {
  say(texts.validating);
  deployedNode.hidden = true;
  const { status, body } = await post(canvasNode.dataset.validateUrl);
  if (status !== 200) {
    showProblems([ { element: body.element, detail: body.detail || body.title } ]);
    say(`${texts.failed} ${status}`, 'error');
    return;
  }
  showProblems(body.problems);
  const firstError = body.problems.find((p) => p.severity === 'error');
  if (firstError && firstError.element) focusElement(firstError.element);
  say(body.ok ? texts.valid : texts.invalid, body.ok ? 'ok' : 'error');
}

function link(href, label) {
  const anchor = document.createElement('a');
  anchor.href = href;
  anchor.textContent = label;
  return anchor;
}

async function deploy() {
  say(texts.deploying);
  const { status, body } = await post(canvasNode.dataset.deployUrl);
  if (status !== 201) {
    showProblems([ { element: body.element, detail: body.detail || body.title, severity: 'error' } ]);
    if (body.element) focusElement(body.element);
    say(texts.invalid, 'error');
    return;
  }
  clearProblems();
  const main = body.processes[0];
  const message = (main.changed ? texts.deployed : texts.unchanged).replace('{version}', main.version);
  deployedNode.replaceChildren(message, ' ', link(main.url, texts.open));
  if (main.changed && main.diff_url) deployedNode.append(' · ', link(main.diff_url, texts.compare));
  deployedNode.hidden = false;
  showProblems(body.processes.flatMap((p) => p.warnings.map((w) => ({ ...w, severity: 'warning' }))));
  say('');
}

async function start() {
  say(texts.loading);
  await modeler.importXML(await fetchText(canvasNode.dataset.xmlUrl));
  fitReadable(modeler, 0.75);
  validateButton.disabled = false;
  deployButton.disabled = false;
  validateButton.addEventListener('click', () => validate().catch((e) => say(`${texts.failed} ${e}`, 'error')));
  deployButton.addEventListener('click', () => deploy().catch((e) => say(`${texts.failed} ${e}`, 'error')));
  canvasNode.classList.add('modeler-ready');
  say('');
}

start().catch((error) => say(`${texts.loadFailed} ${error}`, 'error'));
