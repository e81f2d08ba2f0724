export { applicationWorkflow } from './application';
export { stepWorkflow } from './step';
