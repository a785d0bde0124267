export { paymentWorkflow } from './payment-workflow';
export { reconcileWorkflow } from './reconcile-workflow';
