export { applicationWorkflow } from './application';
export { stepWorkflow } from './step';
export { complaintWorkflow } from './complaint';
export { warningWorkflow } from './warning';
