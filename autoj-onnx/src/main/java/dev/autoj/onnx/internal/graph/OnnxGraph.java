package dev.autoj.onnx.internal.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an ONNX {@code ModelProto} node by node. Field numbers are those of {@code onnx.proto}
 * (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto,
 * OperatorSetIdProto).
 */
public final class OnnxGraph {

    /** ONNX {@code TensorProto.DataType} values used here. */
    public enum ElemType {
        FLOAT(1), UINT8(2), INT64(7), BOOL(9), FLOAT16(10);

        final int code;

        ElemType(int code) {
            this.code = code;
        }
    }

    /** One node attribute; make them with the static factories. */
    public record Attr(String name, int type, long i, float f, long[] ints, Proto message) {

        public static Attr i(String name, long value) {
            return new Attr(name, 2, value, 0, null, null);
        }

        public static Attr f(String name, float value) {
            return new Attr(name, 1, 0, value, null, null);
        }

        public static Attr ints(String name, long... values) {
            return new Attr(name, 7, 0, 0, values, null);
        }

        /** A subgraph attribute (the {@code body} of a {@code Loop}). */
        static Attr graph(String name, OnnxGraph body, String graphName) {
            return new Attr(name, 5, 0, 0, null, body.toGraph(graphName));
        }

        /** A one-element tensor attribute (the {@code value} of {@code ConstantOfShape}). */
        static Attr scalarTensor(String name, ElemType type, byte[] littleEndian) {
            return new Attr(name, 4, 0, 0, null, tensor("", type, new long[] {1}).bytes(9, littleEndian));
        }

        Proto encode() {
            Proto p = new Proto().string(1, name).varint(20, type);
            switch (type) {
                case 1 -> p.fixed32(2, f);
                case 2 -> p.varint(3, i);
                case 4 -> p.message(5, message);
                case 5 -> p.message(6, message);
                case 7 -> {
                    for (long v : ints) {
                        p.varint(8, v);
                    }
                }
                default -> throw new IllegalStateException("attribute type " + type);
            }
            return p;
        }
    }

    private final List<Proto> nodes = new ArrayList<>();
    private final List<Proto> initializers = new ArrayList<>();
    private final List<Proto> inputs = new ArrayList<>();
    private final List<Proto> outputs = new ArrayList<>();
    /** Shared by a graph and its subgraphs: ONNX forbids a subgraph to redefine a name of its outer scope. */
    private final int[] counter;

    public OnnxGraph() {
        this.counter = new int[1];
    }

    private OnnxGraph(int[] counter) {
        this.counter = counter;
    }

    /** An empty graph to be used as a subgraph of this one (names stay unique across both). */
    OnnxGraph subgraph() {
        return new OnnxGraph(counter);
    }

    /** Adds a node of the default ONNX domain with one output and returns that output's name. */
    public String op(String opType, List<String> in, Attr... attrs) {
        return opIn("", opType, 1, in, attrs).get(0);
    }

    /** Adds a node with {@code outputs} fresh outputs and returns their names. */
    public List<String> opIn(String domain, String opType, int outputs, List<String> in, Attr... attrs) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < outputs; k++) {
            out.add(opType + "_" + counter[0] + (outputs > 1 ? "_" + k : ""));
        }
        named(domain, opType, in, out, attrs);
        return out;
    }

    /** Adds a node whose outputs carry the given names (graph outputs need fixed names). */
    public void named(String domain, String opType, List<String> in, List<String> out, Attr... attrs) {
        Proto node = new Proto();
        for (String name : in) {
            node.string(1, name);
        }
        for (String name : out) {
            node.string(2, name);
        }
        node.string(3, opType + "_" + counter[0]++).string(4, opType);
        for (Attr attr : attrs) {
            node.message(5, attr.encode());
        }
        if (!domain.isEmpty()) {
            node.string(7, domain);
        }
        nodes.add(node);
    }

    /** A graph input; each dim is an Integer (fixed), a String (symbolic) or null (unknown, e.g. a loop-carried length that changes between iterations). */
    public void input(String name, ElemType type, Object... dims) {
        inputs.add(valueInfo(name, type, dims));
    }

    public void output(String name, ElemType type, Object... dims) {
        outputs.add(valueInfo(name, type, dims));
    }

    /** A small constant stored in the model itself. */
    public String constInt64(long... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        String name = "const_" + counter[0]++;
        initializers.add(tensor(name, ElemType.INT64, new long[] {values.length}).bytes(9, raw.array()));
        return name;
    }

    /** A rank-0 int64 constant (a scalar index for Gather, a bound for Range). */
    public String scalarInt64(long value) {
        ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        String name = "const_" + counter[0]++;
        initializers.add(tensor(name, ElemType.INT64, new long[0]).bytes(9, raw.array()));
        return name;
    }

    public String constFloat(float value) {
        return constScalar(ElemType.FLOAT, value);
    }

    /** A rank-0 constant of element type FLOAT or FLOAT16 (rounded to nearest for FLOAT16). */
    public String constScalar(ElemType type, float value) {
        String name = "const_" + counter[0]++;
        initializers.add(tensor(name, type, new long[0]).bytes(9, scalarBytes(type, value)));
        return name;
    }

    /** A rank-0 boolean constant. */
    public String constBool(boolean value) {
        String name = "const_" + counter[0]++;
        initializers.add(tensor(name, ElemType.BOOL, new long[0]).bytes(9, new byte[] {(byte) (value ? 1 : 0)}));
        return name;
    }

    /** Little-endian bytes of one FLOAT, FLOAT16, BOOL (0 is false) or INT64 value. */
    static byte[] scalarBytes(ElemType type, float value) {
        return switch (type) {
            case FLOAT -> ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array();
            case FLOAT16 -> ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN)
                    .putShort(dev.autoj.onnx.internal.checkpoint.Halfs.floatToHalf(value)).array();
            case BOOL -> new byte[] {(byte) (value != 0 ? 1 : 0)};
            case INT64 -> ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong((long) value).array();
            case UINT8 -> new byte[] {(byte) value};
        };
    }

    /** A float tensor stored in the model bytes (little-endian). */
    public void floatInitializer(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        initializers.add(tensor(name, ElemType.FLOAT, dims).bytes(9, raw.array()));
    }

    /** The location every external initializer names: an empty file beside the graph, never read. */
    public static final String EXTERNAL_PLACEHOLDER = "autoj-supplied-at-load";

    /**
     * Creates the empty placeholder file in {@code dir} (the graph's folder) if it is missing, and
     * says whether it is there: ONNX Runtime checks that an external initializer's location exists
     * before it looks for the initializer among those the session was given
     * ({@code SessionOptions.addInitializer}). False when the folder is not writable.
     */
    public static boolean ensureExternalPlaceholder(java.nio.file.Path dir) {
        java.nio.file.Path placeholder = dir.resolve(EXTERNAL_PLACEHOLDER);
        try {
            if (!java.nio.file.Files.isRegularFile(placeholder)) {
                java.nio.file.Files.createFile(placeholder);
            }
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return true;
        } catch (java.io.IOException | SecurityException e) {
            return false;
        }
    }

    /**
     * A tensor marked as external data whose bytes the session receives at load time through
     * {@code SessionOptions.addInitializer} (or {@code addExternalInitializers}); the location is
     * an empty placeholder file, never read.
     */
    public void externalInitializer(String name, ElemType type, long[] dims) {
        long bytes = switch (type) {
            case UINT8, BOOL -> 1;
            case FLOAT16 -> 2;
            case FLOAT -> 4;
            case INT64 -> 8;
        };
        for (long d : dims) {
            bytes *= d;
        }
        initializers.add(tensor(name, type, dims)
                .message(13, new Proto().string(1, "location").string(2, EXTERNAL_PLACEHOLDER))
                .message(13, new Proto().string(1, "offset").string(2, "0"))
                .message(13, new Proto().string(1, "length").string(2, Long.toString(bytes)))
                .varint(14, 1));
    }

    /** The serialized {@code ModelProto}: IR version 8, default opset {@code opset}, plus com.microsoft 1. */
    public byte[] toModel(String graphName, int opset) {
        Proto graph = toGraph(graphName);
        return new Proto()
                .varint(1, 8)
                .string(2, "autoj")
                .message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, opset))
                .message(8, new Proto().string(1, "com.microsoft").varint(2, 1))
                .toByteArray();
    }

    /** This graph as a {@code GraphProto}. */
    Proto toGraph(String graphName) {
        Proto graph = new Proto();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, graphName);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(v -> graph.message(11, v));
        outputs.forEach(v -> graph.message(12, v));
        return graph;
    }

    private static Proto tensor(String name, ElemType type, long[] dims) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, type.code).string(8, name);
    }

    private static Proto valueInfo(String name, ElemType type, Object... dims) {
        Proto shape = new Proto();
        for (Object dim : dims) {
            Proto d = new Proto();
            if (dim instanceof Integer n) {
                d.varint(1, n);
            } else if (dim != null) {
                d.string(2, (String) dim);
            }
            shape.message(1, d);
        }
        Proto tensorType = new Proto().varint(1, type.code).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }
}
