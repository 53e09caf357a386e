import type { Product } from '../../server/contract';
import { t } from '../../utils/i18n';
import { formatMoney } from '../../utils/money';

type Props = {
  product: Product | null;
  /** Called with the product's id when the card is tapped. */
  onSelect?: (productId: string) => void;
};
/** `label`: what a screen reader says for the card (role="button"): the product and its price. */
type Data = { label: string };
type Methods = { onTap(): void };

function labelOf(product: Product | null): string {
  return product ? t('productCardLabel', { name: product.name, price: formatMoney(product.price, product.currency) }) : '';
}

Component<Data, Props, Methods>({
  props: { product: null },
  data: { label: '' },
  deriveDataFromProps(nextProps) {
    const product = nextProps.product !== undefined ? nextProps.product : this.props.product;
    const label = labelOf(product);
    if (label !== this.data.label) this.setData({ label });
  },
  methods: {
    onTap() {
      const { product, onSelect } = this.props;
      if (product && onSelect) onSelect(product.id);
    },
  },
});
