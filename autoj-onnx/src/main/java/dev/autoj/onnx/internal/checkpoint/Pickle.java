package dev.autoj.onnx.internal.checkpoint;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted reader of the pickle that {@code torch.save} writes for a state dict. It executes
 * nothing: the opcodes build plain values (numbers, strings, lists, tuples, dicts), and the only
 * callables it knows are a short allow-list of tensor-rebuild functions, which it interprets
 * itself. Any other global (for example {@code os.system}) is refused when the pickle names it,
 * before any later opcode is looked at, so a crafted file can neither run code nor get its
 * payload half-built.
 */
final class Pickle {

    /** A module-level name the pickle refers to ({@code GLOBAL} / {@code STACK_GLOBAL}). */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** A Python tuple (kept apart from lists because the rebuild functions take tuples). */
    record Tuple(List<Object> items) {
    }

    /** What {@code persistent_load} yields for torch's ('storage', type, key, location, numel). */
    record StorageRef(Global type, String key, long elements) {
    }

    /** A tensor rebuilt by {@code torch._utils._rebuild_tensor_v2}: a view into a storage. */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {
    }

    /** Storage classes torch.save names in persistent ids, with safetensors dtype names and widths. */
    static final Map<String, String> STORAGE_DTYPES = Map.of(
            "FloatStorage", "F32", "HalfStorage", "F16", "BFloat16Storage", "BF16", "DoubleStorage", "F64",
            "LongStorage", "I64", "IntStorage", "I32", "ShortStorage", "I16", "CharStorage", "I8",
            "ByteStorage", "U8", "BoolStorage", "BOOL");

    private static final String REBUILD_TENSOR = "torch._utils._rebuild_tensor_v2";
    private static final String REBUILD_PARAMETER = "torch._utils._rebuild_parameter";
    private static final String ORDERED_DICT = "collections.OrderedDict";
    private static final Set<String> CALLABLE = Set.of(REBUILD_TENSOR, REBUILD_PARAMETER, ORDERED_DICT);

    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final String source;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private Pickle(ByteBuffer in, String source) {
        this.in = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
    }

    /** The allow-list, for messages and docs. */
    static List<String> allowedGlobals() {
        List<String> names = new ArrayList<>(List.of(ORDERED_DICT, REBUILD_TENSOR, REBUILD_PARAMETER));
        STORAGE_DTYPES.keySet().stream().sorted().forEach(s -> names.add("torch." + s));
        return names;
    }

    /**
     * Reads one pickle.
     *
     * @param source names the file and entry in error messages
     * @throws CheckpointException when the pickle uses an opcode or global outside what a state dict needs
     */
    static Object load(ByteBuffer bytes, String source) {
        Pickle pickle = new Pickle(bytes, source);
        try {
            return pickle.run();
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw pickle.fail("an opcode's operand runs past the end of the pickle; the file is truncated or damaged");
        } catch (StackOverflowError e) {
            // A crafted pickle can build a list that contains itself and use it as a dict key.
            throw pickle.fail("it builds a self-referencing or extremely nested value, which no state dict holds");
        }
    }

    private Object run() {
        while (true) {
            if (!in.hasRemaining()) {
                throw fail("the pickle ends without a STOP opcode; the file is truncated or damaged");
            }
            int at = in.position();
            int op = in.get() & 0xFF;
            switch (op) {
                case 0x80 -> { // PROTO
                    int protocol = u8();
                    if (protocol > 5) {
                        throw fail("pickle protocol " + protocol + " is newer than any known");
                    }
                }
                case 0x95 -> in.position(in.position() + 8); // FRAME: a length hint only
                case '.' -> { // STOP
                    Object result = pop();
                    if (!stack.isEmpty() || !marks.isEmpty()) {
                        throw fail("values are left on the stack at STOP; the pickle is malformed");
                    }
                    return result;
                }
                case '(' -> { // MARK
                    marks.add(stack.size());
                    stack.add(MARK);
                }
                case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case ')' -> push(new Tuple(List.of())); // EMPTY_TUPLE
                case 't' -> push(new Tuple(popMark())); // TUPLE
                case 0x85 -> push(tupleOf(1)); // TUPLE1
                case 0x86 -> push(tupleOf(2)); // TUPLE2
                case 0x87 -> push(tupleOf(3)); // TUPLE3
                case 'l' -> push(new ArrayList<>(popMark())); // LIST
                case 'd' -> push(dictOf(popMark())); // DICT
                case 'J' -> push((long) in.getInt()); // BININT
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) (in.getShort() & 0xFFFF)); // BININT2
                case 0x8a -> push(longOf(u8())); // LONG1
                case 0x8b -> push(longOf(in.getInt())); // LONG4
                case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT, big-endian
                case 'N' -> push(null); // NONE
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'X' -> push(text(in.getInt())); // BINUNICODE
                case 0x8c -> push(text(u8())); // SHORT_BINUNICODE
                case 0x8d -> push(text(Math.toIntExact(in.getLong()))); // BINUNICODE8
                case 'q' -> memo.put((long) u8(), peek()); // BINPUT
                case 'r' -> memo.put(in.getInt() & 0xFFFFFFFFL, peek()); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
                case 'h' -> push(memoGet(u8())); // BINGET
                case 'j' -> push(memoGet(in.getInt() & 0xFFFFFFFFL)); // LONG_BINGET
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case 'c' -> push(global(line(), line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("STACK_GLOBAL at byte " + at + " needs two strings");
                    }
                    push(global(m, n));
                }
                case 'Q' -> push(persistent(pop())); // BINPERSID
                case 'R' -> { // REDUCE
                    Object args = pop();
                    push(reduce(pop(), args));
                }
                case 'b' -> build(pop(), peek()); // BUILD
                case 's' -> { // SETITEM
                    Object value = pop();
                    Object key = pop();
                    dict(peek()).put(key, value);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    Map<Object, Object> dict = dict(peek());
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        dict.put(items.get(i), items.get(i + 1));
                    }
                }
                case 'a' -> { // APPEND
                    Object value = pop();
                    list(peek()).add(value);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    list(peek()).addAll(items);
                }
                default -> throw fail(String.format(
                        "opcode 0x%02x at byte %d is not one a torch.save state dict uses; refusing to interpret it", op, at));
            }
        }
    }

    private Object global(String module, String name) {
        Global global = new Global(module, name);
        String qualified = global.qualified();
        boolean storage = module.equals("torch") && STORAGE_DTYPES.containsKey(name);
        if (!storage && !CALLABLE.contains(qualified)) {
            throw new CheckpointException(source + " refers to the Python global " + qualified
                    + ", which is not on the allow-list of tensor-rebuild globals " + allowedGlobals()
                    + ". Nothing was executed: autoj never runs code from a checkpoint. A plain state dict needs "
                    + "nothing else, so this file was saved from something other than model.state_dict() or was "
                    + "crafted to run code when unpickled; do not open it with torch.load either.");
        }
        return global;
    }

    private Object persistent(Object pid) {
        if (pid instanceof Tuple t && t.items.size() == 5 && "storage".equals(t.items.get(0))
                && t.items.get(1) instanceof Global type && t.items.get(2) instanceof String key
                && t.items.get(4) instanceof Long elements) {
            if (!STORAGE_DTYPES.containsKey(type.name())) {
                throw fail("a storage of type " + type.qualified() + " is not a typed tensor storage");
            }
            return new StorageRef(type, key, elements);
        }
        throw fail("persistent id " + describe(pid) + " is not torch's ('storage', type, key, location, numel)");
    }

    private Object reduce(Object callable, Object args) {
        if (!(callable instanceof Global g) || !CALLABLE.contains(g.qualified())) {
            throw fail("REDUCE calls " + describe(callable) + ", which only the tensor-rebuild functions may be");
        }
        if (!(args instanceof Tuple tuple)) {
            throw fail("REDUCE of " + g.qualified() + " has arguments " + describe(args) + " instead of a tuple");
        }
        List<Object> a = tuple.items;
        switch (g.qualified()) {
            case ORDERED_DICT -> {
                if (!a.isEmpty()) {
                    throw fail("collections.OrderedDict is called with arguments; a state dict pickles it empty");
                }
                return new LinkedHashMap<>();
            }
            case REBUILD_PARAMETER -> {
                if (a.size() < 1 || !(a.get(0) instanceof TensorRef)) {
                    throw fail("_rebuild_parameter takes a tensor, got " + describe(a));
                }
                return a.get(0);
            }
            default -> {
                if (a.size() < 4 || !(a.get(0) instanceof StorageRef storage) || !(a.get(1) instanceof Long offset)) {
                    throw fail("_rebuild_tensor_v2 takes (storage, offset, size, stride, ...), got " + describe(a));
                }
                return new TensorRef(storage, offset, longs(a.get(2), "size"), longs(a.get(3), "stride"));
            }
        }
    }

    private void build(Object state, Object target) {
        // A state dict's OrderedDict carries _metadata (module versions) as its BUILD state; it
        // does not affect any tensor, so it is read and dropped.
        if (!(target instanceof Map)) {
            throw fail("BUILD on " + describe(target) + "; only a state dict's OrderedDict takes state");
        }
        if (state != null && !(state instanceof Map) && !(state instanceof Tuple)) {
            throw fail("BUILD state " + describe(state) + " is not attribute data");
        }
    }

    private long[] longs(Object value, String what) {
        if (!(value instanceof Tuple t)) {
            throw fail("the tensor " + what + " is " + describe(value) + " instead of a tuple of ints");
        }
        long[] out = new long[t.items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.items.get(i) instanceof Long v) || v < 0) {
                throw fail("the tensor " + what + " " + describe(value) + " holds something other than non-negative ints");
            }
            out[i] = v;
        }
        return out;
    }

    private Tuple tupleOf(int n) {
        if (stack.size() < n) {
            throw fail("a TUPLE" + n + " finds fewer than " + n + " values on the stack");
        }
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(0, pop());
        }
        return new Tuple(items);
    }

    private Map<Object, Object> dictOf(List<Object> items) {
        Map<Object, Object> dict = new LinkedHashMap<>();
        for (int i = 0; i + 1 < items.size(); i += 2) {
            dict.put(items.get(i), items.get(i + 1));
        }
        return dict;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object target) {
        if (target instanceof Map<?, ?> map) {
            return (Map<Object, Object>) map;
        }
        throw fail("SETITEM on " + describe(target) + ", which is not a dict");
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object target) {
        if (target instanceof ArrayList<?> list) {
            return (List<Object>) list;
        }
        throw fail("APPEND on " + describe(target) + ", which is not a list");
    }

    private Long longOf(int length) {
        if (length < 0 || length > 8) {
            throw fail("an integer of " + length + " bytes is larger than any tensor size or offset");
        }
        long value = 0;
        for (int i = 0; i < length; i++) {
            value |= (long) (in.get() & 0xFF) << (8 * i);
        }
        if (length > 0 && length < 8 && (value & (1L << (8 * length - 1))) != 0) {
            value -= 1L << (8 * length); // two's complement sign of the top byte
        }
        return value;
    }

    private String text(int length) {
        if (length < 0 || length > in.remaining()) {
            throw fail("a string of " + length + " bytes runs past the end of the pickle");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private String line() {
        StringBuilder out = new StringBuilder();
        while (true) {
            if (!in.hasRemaining()) {
                throw fail("a GLOBAL name runs past the end of the pickle");
            }
            char c = (char) (in.get() & 0xFF);
            if (c == '\n') {
                return out.toString();
            }
            if (out.length() > 256) {
                throw fail("a GLOBAL name is longer than 256 characters");
            }
            out.append(c);
        }
    }

    private int u8() {
        return in.get() & 0xFF;
    }

    private Object memoGet(long index) {
        if (!memo.containsKey(index)) {
            throw fail("memo slot " + index + " is read before it is written");
        }
        return memo.get(index);
    }

    private void push(Object value) {
        stack.add(value);
    }

    private Object peek() {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw fail("an opcode needs a value but the stack is empty");
        }
        return stack.get(stack.size() - 1);
    }

    private Object pop() {
        Object value = peek();
        stack.remove(stack.size() - 1);
        return value;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw fail("an opcode needs a MARK but there is none");
        }
        int start = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(start + 1, stack.size()));
        stack.subList(start, stack.size()).clear();
        return items;
    }

    /** A shallow description: printing a crafted (cyclic) value in full could recurse forever. */
    private static String describe(Object value) {
        if (value instanceof Global g) {
            return g.qualified();
        }
        if (value instanceof String text) {
            return text.length() > 120 ? "'" + text.substring(0, 120) + "…'" : "'" + text + "'";
        }
        if (value == null || value instanceof Long || value instanceof Boolean || value instanceof Double) {
            return String.valueOf(value);
        }
        if (value instanceof Tuple t) {
            return "a tuple of " + t.items.size();
        }
        if (value instanceof List<?> list) {
            return "a list of " + list.size();
        }
        if (value instanceof Map<?, ?> map) {
            return "a dict of " + map.size();
        }
        return "a " + value.getClass().getSimpleName();
    }

    private CheckpointException fail(String detail) {
        return new CheckpointException(source + " cannot be read as a PyTorch state dict: " + detail
                + ". Re-save it with torch.save(model.state_dict(), path) or convert it to safetensors in Python.");
    }
}
