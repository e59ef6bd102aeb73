// Writes the tiny random LLaMA checkpoint the build judges with (not committed): LLaMA-2's vocabulary and
// real tokenizer, hidden size 32, one layer, tied embeddings, 1024 positions, F32 safetensors, weights from a
// seeded java.util.Random (the same shape as autoj-onnx's TinyLlama.withLlama2Tokenizer). A random model
// writes no verdict: the tests check that judgments are made and recorded, never a verdict.
import groovy.json.JsonOutput
import java.nio.ByteBuffer
import java.nio.ByteOrder

def dir = new File(basedir, 'target/tiny-autoj')
dir.mkdirs()
int vocab = 32000, hidden = 32, inter = 64, heads = 4, kvHeads = 2, layers = 1
int headDim = hidden.intdiv(heads)
def random = new Random(2024)
def tensors = [:]   // name -> [shape, float[]]
def add = { String name, double std, double mean, List<Integer> shape ->
    int n = shape.inject(1) { a, b -> a * b }
    float[] values = new float[n]
    for (int i = 0; i < n; i++) values[i] = (float) (mean + std * random.nextGaussian())
    tensors[name] = [shape, values]
}
add('model.embed_tokens.weight', 1.0, 0, [vocab, hidden])
for (int l = 0; l < layers; l++) {
    def p = "model.layers.${l}."
    add(p + 'input_layernorm.weight', 0.2, 1.0, [hidden])
    add(p + 'self_attn.q_proj.weight', 1.5 / Math.sqrt(hidden), 0, [heads * headDim, hidden])
    add(p + 'self_attn.k_proj.weight', 1.5 / Math.sqrt(hidden), 0, [kvHeads * headDim, hidden])
    add(p + 'self_attn.v_proj.weight', 1.0 / Math.sqrt(hidden), 0, [kvHeads * headDim, hidden])
    add(p + 'self_attn.o_proj.weight', 1.0 / Math.sqrt(heads * headDim), 0, [hidden, heads * headDim])
    add(p + 'post_attention_layernorm.weight', 0.2, 1.0, [hidden])
    add(p + 'mlp.gate_proj.weight', 1.0 / Math.sqrt(hidden), 0, [inter, hidden])
    add(p + 'mlp.up_proj.weight', 1.0 / Math.sqrt(hidden), 0, [inter, hidden])
    add(p + 'mlp.down_proj.weight', 1.0 / Math.sqrt(inter), 0, [hidden, inter])
}
add('model.norm.weight', 0.2, 1.0, [hidden])

def header = ['__metadata__': [format: 'pt']]
long offset = 0
tensors.each { name, t ->
    long bytes = 4L * t[1].length
    header[name] = [dtype: 'F32', shape: t[0], data_offsets: [offset, offset + bytes]]
    offset += bytes
}
byte[] headerBytes = JsonOutput.toJson(header).getBytes('UTF-8')
int padded = (headerBytes.length + 7).intdiv(8) * 8
def out = ByteBuffer.allocate((int) (8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN)
out.putLong(padded).put(headerBytes)
for (int i = headerBytes.length; i < padded; i++) out.put((byte) 0x20)
tensors.each { name, t -> for (float v : t[1]) out.putFloat(v) }
new File(dir, 'model.safetensors').bytes = out.array()

new File(dir, 'config.json').text = JsonOutput.prettyPrint(JsonOutput.toJson([
        architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: hidden, intermediate_size: inter,
        num_attention_heads: heads, num_key_value_heads: kvHeads, num_hidden_layers: layers, vocab_size: vocab,
        max_position_embeddings: 1024, rms_norm_eps: 3e-6, rope_theta: 20000.0, rope_scaling: null,
        tie_word_embeddings: true, hidden_act: 'silu', bos_token_id: 1, eos_token_id: 2, torch_dtype: 'float32']))
new File(dir, 'tokenizer.json').bytes = new File(sharedTokenizer).bytes
println "forks-embedded-user: wrote the tiny random checkpoint ${dir} (${offset} bytes of weights)"
return true
