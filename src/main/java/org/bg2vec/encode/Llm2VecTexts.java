package org.bg2vec.encode;

import org.bg2vec.model.Pooling;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * What llm2vec 0.2.2 does to a text before tokenizing it in {@code LLM2Vec.encode}, for the Mistral/Llama models
 * bg2vec loads:
 * <ol>
 *   <li>{@code _convert_to_str}: while the text alone has more than {@code doc_max_length} tokens (counted without
 *       special tokens and capped at {@code max_length}), keep its first {@code int(words × doc_max_length /
 *       tokens)} whitespace-separated words, joined by single spaces; then {@code instruction.strip() + " " +
 *       separator + text}, or {@code separator + text} without an instruction;</li>
 *   <li>{@code prepare_for_tokenization}: the chat template of the base when its {@code _name_or_path} is
 *       {@code mistralai/Mistral-7B-Instruct-v0.2}, {@code meta-llama/Llama-2-7b-chat-hf} or
 *       {@code meta-llama/Meta-Llama-3-8B-Instruct}; and for {@code eos_token} pooling the EOS text appended
 *       ({@code " </s>"}, {@code <|end_of_text|>} for Meta-Llama-3-8B).</li>
 * </ol>
 * The result goes to {@link org.bg2vec.tokenize.Llm2VecTokenizer#tokenize}, which applies llm2vec's
 * {@code tokenize}: right truncation to {@code max_length} ids with BOS, and pooling of the last
 * {@code min(text tokens, max_length)} positions.
 */
public final class Llm2VecTexts {

    private static final Set<String> INST_TEMPLATE = Set.of("mistralai/Mistral-7B-Instruct-v0.2",
            "meta-llama/Llama-2-7b-chat-hf");
    private static final String LLAMA3_INSTRUCT = "meta-llama/Meta-Llama-3-8B-Instruct";
    private static final String LLAMA3_BASE = "meta-llama/Meta-Llama-3-8B";

    private Llm2VecTexts() {
    }

    /**
     * @param text       {@code instruction + " " + separator + text} ({@link Instructions#apply}) or a plain text
     * @param tokenCount the number of tokens of a text without special tokens (untruncated)
     * @return the string llm2vec tokenizes for it
     */
    public static String prepare(String text, Llm2VecSettings s, ToIntFunction<String> tokenCount) {
        int sep = text.indexOf(Instructions.SEPARATOR);
        String instructionPart = sep < 0 ? "" : text.substring(0, sep);
        String body = sep < 0 ? text : text.substring(sep + Instructions.SEPARATOR.length());
        String converted = instructionPart + Instructions.SEPARATOR + cutToDocMaxLength(body, s, tokenCount);
        return forTokenization(converted, s);
    }

    /** llm2vec's word-level cut of a long text to about {@code doc_max_length} tokens. */
    static String cutToDocMaxLength(String text, Llm2VecSettings s, ToIntFunction<String> tokenCount) {
        String t = text;
        int length = Math.min(tokenCount.applyAsInt(t), s.maxLength());
        while (length > s.docMaxLength()) {
            List<String> words = words(t);
            double ratio = (double) s.docMaxLength() / length;
            int keep = (int) (words.size() * ratio);
            t = String.join(" ", words.subList(0, keep));
            length = Math.min(tokenCount.applyAsInt(t), s.maxLength());
        }
        return t;
    }

    /** {@code prepare_for_tokenization}. */
    static String forTokenization(String text, Llm2VecSettings s) {
        String name = s.baseNameOrPath();
        if (name.equals(LLAMA3_INSTRUCT)) {
            return "<|start_header_id|>user<|end_header_id|>\n\n" + pyStrip(text) + "<|eot_id|>";
        }
        String t = text;
        if (INST_TEMPLATE.contains(name)) {
            t = "[INST] " + pyStrip(t) + " [/INST]";
        }
        if (s.pooling() == Pooling.EOS_TOKEN) {
            t = pyStrip(t) + (name.equals(LLAMA3_BASE) ? "<|end_of_text|>" : " </s>");
        }
        return t;
    }

    /** Python's {@code str.split()}: runs of whitespace separate words; no empty words. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); i++) {
            if (isPythonSpace(text.charAt(i))) {
                if (start >= 0) {
                    out.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            out.add(text.substring(start));
        }
        return out;
    }

    /** Python's {@code str.strip()} (its whitespace, not Java's). */
    static String pyStrip(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && isPythonSpace(s.charAt(b))) {
            b++;
        }
        while (e > b && isPythonSpace(s.charAt(e - 1))) {
            e--;
        }
        return s.substring(b, e);
    }

    /** {@code str.isspace()} of one character: Java's whitespace plus the no-break spaces and NEL. */
    static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || c == '\u00a0' || c == '\u2007' || c == '\u202f' || c == '\u0085';
    }
}
