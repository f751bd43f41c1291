// The properties panel shows only what this engine runs: Camunda 7's Java, connector,
// listener, job and external-task settings are left out (a deployment refuses them).
const HIDDEN = new Set([
  'CamundaPlatform__AsynchronousContinuations',
  'CamundaPlatform__BusinessKey',
  'CamundaPlatform__ConnectorInput',
  'CamundaPlatform__ConnectorOutput',
  'CamundaPlatform__Errors',
  'CamundaPlatform__ExecutionListener',
  'CamundaPlatform__ExternalTask',
  'CamundaPlatform__FieldInjection',
  'CamundaPlatform__HistoryCleanup',
  'CamundaPlatform__Implementation',
  'CamundaPlatform__InMapping',
  'CamundaPlatform__InMappingPropagation',
  'CamundaPlatform__Input',
  'CamundaPlatform__JobExecution',
  'CamundaPlatform__OutMapping',
  'CamundaPlatform__OutMappingPropagation',
  'CamundaPlatform__Output',
  'CamundaPlatform__ProcessVariables',
  'CamundaPlatform__StartInitiator',
  'CamundaPlatform__TaskListener',
  'CamundaPlatform__Tasklist'
]);

class SupportedGroups {
  constructor(propertiesPanel) {
    propertiesPanel.registerProvider(100, this);
  }

  getGroups() {
    return (groups) => groups.filter((group) => !HIDDEN.has(group.id));
  }
}

SupportedGroups.$inject = [ 'propertiesPanel' ];

export default {
  __init__: [ 'supportedGroups' ],
  supportedGroups: [ 'type', SupportedGroups ]
};
