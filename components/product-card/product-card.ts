import type { Product } from '../../server/contract';

type Props = {
  product: Product | null;
  /** Called with the product's id when the card is tapped. */
  onSelect?: (productId: string) => void;
};
type Methods = { onTap(): void };

Component<{}, Props, Methods>({
  props: { product: null },
  data: {},
  methods: {
    onTap() {
      const { product, onSelect } = this.props;
      if (product && onSelect) onSelect(product.id);
    },
  },
});
