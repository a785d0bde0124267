export { paymentWorkflow } from './payment-workflow';
