import type { TensorDtype } from '@clapboard/shared/models';

/**
 * A minimal ONNX protobuf writer: enough to build small graphs (a device probe, test doubles with a
 * real model's input/output signature) without a protobuf dependency. Field numbers follow
 * onnx/onnx.proto (ModelProto, GraphProto, NodeProto, ...).
 */

const DTYPE_CODES: Record<TensorDtype, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
};

export interface OnnxValueInfo {
  name: string;
  dtype: TensorDtype;
  /** Numbers are fixed dimensions, strings symbolic ones (e.g. `"batch"`). */
  shape: Array<number | string>;
}

export interface OnnxInitializer {
  name: string;
  dtype: 'float32' | 'int64' | 'int32';
  dims: number[];
  values: number[];
}

export type OnnxAttribute =
  | { name: string; int: number }
  | { name: string; float: number }
  | { name: string; ints: number[] }
  | { name: string; tensor: OnnxInitializer };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: OnnxAttribute[];
  domain?: string;
}

export interface OnnxGraphSpec {
  name?: string;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  nodes: OnnxNode[];
  initializers?: OnnxInitializer[];
  /** Default opset 17 (ORT 1.30 supports up to 23). */
  opset?: number;
}

class Writer {
  private chunks: number[] = [];
  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.chunks.push(Number((v & 0x7fn) | 0x80n));
      v >>= 7n;
    }
    this.chunks.push(Number(v));
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  int(field: number, value: number): this {
    return this.tag(field, 0).varint(value);
  }
  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(data.length);
    for (const b of data) this.chunks.push(b);
    return this;
  }
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }
  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }
  float(field: number, value: number): this {
    const buf = new Uint8Array(4);
    new DataView(buf.buffer).setFloat32(0, value, true);
    this.tag(field, 5);
    for (const b of buf) this.chunks.push(b);
    return this;
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

function writeTensor(w: Writer, t: OnnxInitializer): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, DTYPE_CODES[t.dtype]);
  w.string(8, t.name);
  const size = t.dtype === 'int64' ? 8 : 4;
  const raw = new Uint8Array(t.values.length * size);
  const view = new DataView(raw.buffer);
  t.values.forEach((v, i) => {
    if (t.dtype === 'float32') view.setFloat32(i * 4, v, true);
    else if (t.dtype === 'int32') view.setInt32(i * 4, v, true);
    else view.setBigInt64(i * 8, BigInt(v), true);
  });
  w.bytes(9, raw);
}

function writeValueInfo(w: Writer, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, DTYPE_CODES[v.dtype]);
      tensor.message(2, (shape) => {
        for (const d of v.shape)
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

function writeAttribute(w: Writer, a: OnnxAttribute): void {
  w.string(1, a.name);
  if ('int' in a) w.int(3, a.int).int(20, 2);
  else if ('float' in a) w.float(2, a.float).int(20, 1);
  else if ('ints' in a) {
    for (const i of a.ints) w.int(8, i);
    w.int(20, 7);
  } else {
    w.message(5, (t) => writeTensor(t, a.tensor));
    w.int(20, 4);
  }
}

/**
 * Encodes an ONNX model (IR version 8) holding one graph.
 *
 * @returns the serialized ModelProto, ready for `InferenceSession.create(bytes)` or a `.onnx` file
 */
export function buildOnnxModel(spec: OnnxGraphSpec): Uint8Array {
  const w = new Writer();
  w.int(1, 8); // ir_version
  w.string(2, 'clapboard');
  w.message(7, (g) => {
    for (const [i, n] of spec.nodes.entries()) {
      g.message(1, (node) => {
        for (const input of n.inputs) node.string(1, input);
        for (const output of n.outputs) node.string(2, output);
        node.string(3, `${n.opType.toLowerCase()}_${i}`);
        node.string(4, n.opType);
        for (const a of n.attributes ?? []) node.message(5, (attr) => writeAttribute(attr, a));
        if (n.domain) node.string(7, n.domain);
      });
    }
    g.string(2, spec.name ?? 'graph');
    for (const init of spec.initializers ?? []) g.message(5, (t) => writeTensor(t, init));
    for (const v of spec.inputs) g.message(11, (vi) => writeValueInfo(vi, v));
    for (const v of spec.outputs) g.message(12, (vi) => writeValueInfo(vi, v));
  });
  w.message(8, (o) => o.string(1, '').int(2, spec.opset ?? 17));
  return w.finish();
}
