// A product's picture in a box of a fixed size (rpx), over a placeholder (the name's first
// letter on grey) that shows while the picture loads, when the product has none, or when it
// fails to load.
//
// <image> (https://opendocs.alipay.com/mini/component/image): `lazy-load` loads the picture
// only once it comes near the screen; `onError` fires when it cannot be loaded. The picture is
// never hidden with CSS while it loads, which lazy loading does not support; a failed one is
// taken out (a:if) so no broken picture shows over the placeholder.

type Size = 'small' | 'medium' | 'large';
type Props = {
  /** The product's imageUrl: an absolute URL, or null when it has none. */
  src: string | null;
  /** The product's name, whose first letter is the placeholder. */
  name: string;
  size: Size;
};
type Data = { showPicture: boolean; initial: string; failedSrc: string | null };
type Methods = { onError(): void };

function initialOf(name: string): string {
  return name.trim().charAt(0).toUpperCase();
}

Component<Data, Props, Methods>({
  props: { src: null, name: '', size: 'medium' },
  data: { showPicture: false, initial: '', failedSrc: null },
  deriveDataFromProps(nextProps) {
    const src = nextProps.src !== undefined ? nextProps.src : this.props.src;
    const name = nextProps.name ?? this.props.name;
    // A new URL gets its own try; the one that failed stays out.
    const showPicture = typeof src === 'string' && src !== '' && src !== this.data.failedSrc;
    const initial = initialOf(name);
    if (showPicture !== this.data.showPicture || initial !== this.data.initial) this.setData({ showPicture, initial });
  },
  methods: {
    onError() {
      this.setData({ showPicture: false, failedSrc: this.props.src });
    },
  },
});
