import { t } from '../../utils/i18n';

// The way to the cart, with a badge of how many items it holds (none while it is empty).

type Props = {
  /** Items in the cart (every unit of every line). */
  count: number;
  onOpen?: () => void;
};
/** `label`: what a screen reader says for the entry (role="button"). */
type Data = { title: string; badge: string; label: string };
type Methods = { onTap(): void };

/** As antd-mini's Badge: more than 99 reads 99+. */
function badgeOf(count: number): string {
  if (count <= 0) return '';
  return count > 99 ? '99+' : String(count);
}

Component<Data, Props, Methods>({
  props: { count: 0 },
  data: { title: '', badge: '', label: '' },
  deriveDataFromProps(nextProps) {
    const count = nextProps.count ?? this.props.count;
    const label = t('cartEntryLabel', { count });
    if (label !== this.data.label) this.setData({ title: t('cartTitle'), badge: badgeOf(count), label });
  },
  methods: {
    onTap() {
      if (this.props.onOpen) this.props.onOpen();
    },
  },
});
