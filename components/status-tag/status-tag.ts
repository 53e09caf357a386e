import type { OrderStatus } from '../../server/contract';
import { isOrderStatus } from '../../utils/api-guards';
import { t } from '../../utils/i18n';

type TagColor = 'primary' | 'success' | 'warning' | 'danger';
type Props = { status: string };
type Data = { label: string; color: TagColor };

const COLORS: Record<OrderStatus, TagColor> = {
  creating: 'primary',
  create_failed: 'danger',
  pending: 'warning',
  paid: 'success',
  failed: 'danger',
  partially_refunded: 'primary',
  refunded: 'primary',
  expired: 'danger',
};

function statusLabel(status: string): string {
  return isOrderStatus(status) ? t(`status_${status}`) : status;
}

Component<Data, Props>({
  props: { status: '' },
  data: { label: '', color: 'primary' },
  deriveDataFromProps(nextProps) {
    const status = nextProps.status ?? this.props.status;
    const label = statusLabel(status);
    const color = isOrderStatus(status) ? COLORS[status] : 'primary';
    if (label !== this.data.label || color !== this.data.color) this.setData({ label, color });
  },
});
