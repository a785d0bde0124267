/** How a test PaymentMethod behaves on confirm, after Stripe's documented test PaymentMethods. */
export interface TestPaymentMethod {
  type: 'card' | 'us_bank_account' | 'sepa_debit';
  card?: { brand: string; last4: string; funding: string; country: string };
  last4: string;
  /** `succeed` at once; `decline` at once; `async_succeed` / `async_fail`: `processing`, then settle. */
  outcome: 'succeed' | 'decline' | 'async_succeed' | 'async_fail';
  declineCode?: string;
  /** A dispute is opened on the charge shortly after it succeeds. */
  disputes?: boolean;
}

const card = (brand: string, last4: string): Pick<TestPaymentMethod, 'type' | 'card' | 'last4'> => ({
  type: 'card',
  card: { brand, last4, funding: 'credit', country: 'US' },
  last4,
});

/** Test PaymentMethods the emulator knows; ids as in Stripe's docs, plus `_fail` variants for async methods. */
export const TEST_PAYMENT_METHODS: Readonly<Record<string, TestPaymentMethod>> = {
  pm_card_visa: { ...card('visa', '4242'), outcome: 'succeed' },
  pm_card_mastercard: { ...card('mastercard', '4444'), outcome: 'succeed' },
  pm_card_amex: { ...card('amex', '8431'), outcome: 'succeed' },
  pm_card_chargeDeclined: { ...card('visa', '0002'), outcome: 'decline', declineCode: 'generic_decline' },
  pm_card_chargeDeclinedInsufficientFunds: {
    ...card('visa', '9995'),
    outcome: 'decline',
    declineCode: 'insufficient_funds',
  },
  pm_card_createDispute: { ...card('visa', '0259'), outcome: 'succeed', disputes: true },
  pm_usBankAccount: { type: 'us_bank_account', last4: '6789', outcome: 'async_succeed' },
  pm_usBankAccount_fail: { type: 'us_bank_account', last4: '1116', outcome: 'async_fail' },
  pm_sepaDebit: { type: 'sepa_debit', last4: '3000', outcome: 'async_succeed' },
  pm_sepa_debit: { type: 'sepa_debit', last4: '3000', outcome: 'async_succeed' },
  pm_sepaDebit_fail: { type: 'sepa_debit', last4: '3001', outcome: 'async_fail' },
};

/** Human text of a decline code, as Stripe words it. */
export function declineMessage(code: string): string {
  return code === 'insufficient_funds' ? 'Your card has insufficient funds.' : 'Your card was declined.';
}
