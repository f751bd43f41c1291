// The case page's diagram: the version's BPMN with the case's finished, current and failed
// elements marked; clicking an element shows who did it and when. The viewer only.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import { fitReadable, mark } from './markers.js';
import { translateModule } from './translate.js';
import './viewer.css';

function text(node, value, className) {
  const element = document.createElement(node);
  element.textContent = value;
  if (className) element.className = className;
  return element;
}

function showSteps(panel, element, data) {
  const labels = panel.dataset;
  const steps = data.steps[element.id] || [];
  const name = element.businessObject.name || element.id;
  const state = data.error === element.id ? labels.error
    : data.current.includes(element.id) ? labels.current
      : data.completed.includes(element.id) ? labels.done : '';
  panel.replaceChildren(text('h3', state ? `${name} · ${state}` : name));
  if (!steps.length) {
    panel.append(text('p', labels.none, 'muted'));
  }
  for (const step of steps) {
    const list = document.createElement('dl');
    list.append(text('dt', step.name), text('dd', step.by || '—'));
    list.append(text('dt', labels.received), text('dd', step.received || '—'));
    if (step.completed) list.append(text('dt', labels.completed), text('dd', step.completed));
    else if (step.due) list.append(text('dt', labels.due), text('dd', step.due));
    panel.append(list);
  }
  panel.hidden = false;
}

async function start() {
  const container = document.getElementById('diagram');
  const panel = document.getElementById('diagram-step');
  if (!container) return;
  const response = await fetch(container.dataset.diagramUrl, { credentials: 'same-origin' });
  if (!response.ok) {
    container.append(text('p', `${response.status} ${response.statusText}`, 'error'));
    return;
  }
  const data = await response.json();
  const viewer = new NavigatedViewer({
    container,
    additionalModules: [ translateModule(container.dataset.lang) ]
  });
  await viewer.importXML(data.xml);
  const focus = data.error ? [ data.error ] : data.current.length ? data.current : data.completed.slice(-1);
  fitReadable(viewer, 0.6, focus);
  mark(viewer, data.completed, 'step-done');
  mark(viewer, data.current, 'step-current');
  mark(viewer, data.error ? [ data.error ] : [], 'step-error');
  const clickable = new Set([ ...data.completed, ...data.current, ...Object.keys(data.steps) ]);
  if (data.error) clickable.add(data.error);
  mark(viewer, [ ...clickable ], 'step-clickable');
  panel.append(text('p', panel.dataset.hint, 'muted'));
  panel.hidden = false;
  viewer.get('eventBus').on('element.click', (event) => {
    if (clickable.has(event.element.id)) showSteps(panel, event.element, data);
  });
  container.classList.add('diagram-ready');
}

start().catch((error) => {
  const container = document.getElementById('diagram');
  if (container) container.append(text('p', String(error), 'error'));
});
