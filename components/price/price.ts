import { formatMoney } from '../../utils/money';

type Props = {
  /** Wire amount, e.g. "12.34". */
  amount: string;
  currency: string;
  size: 'normal' | 'large';
  className: string;
};
type Data = { text: string };

Component<Data, Props>({
  props: { amount: '', currency: '', size: 'normal', className: '' },
  data: { text: '' },
  deriveDataFromProps(nextProps) {
    const amount = nextProps.amount ?? this.props.amount;
    const currency = nextProps.currency ?? this.props.currency;
    const text = amount ? formatMoney(amount, currency) : '';
    if (text !== this.data.text) this.setData({ text });
  },
});
