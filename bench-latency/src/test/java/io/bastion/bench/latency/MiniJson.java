package io.bastion.bench.latency;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict little JSON parser for tests: objects become maps, arrays lists, numbers doubles; anything that is not
 * JSON (a trailing comma, an unquoted name, text after the document) throws.
 */
final class MiniJson
{
    private final String text;
    private int index;

    private MiniJson(final String text)
    {
        this.text = text;
    }

    /**
     * Parse a document.
     *
     * @param text the JSON.
     * @return the value.
     * @throws IllegalArgumentException if it is not JSON.
     */
    static Object parse(final String text)
    {
        final MiniJson parser = new MiniJson(text);
        final Object value = parser.value();
        parser.skipSpace();
        if (parser.index != text.length())
        {
            throw parser.error("text after the document");
        }
        return value;
    }

    private Object value()
    {
        skipSpace();
        if (index >= text.length())
        {
            throw error("end of text");
        }
        final char c = text.charAt(index);
        switch (c)
        {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return number();
        }
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        index++;
        skipSpace();
        if (peek() == '}')
        {
            index++;
            return map;
        }
        while (true)
        {
            skipSpace();
            if (peek() != '"')
            {
                throw error("a name");
            }
            final String name = string();
            skipSpace();
            expect(':');
            map.put(name, value());
            skipSpace();
            if (peek() == ',')
            {
                index++;
                continue;
            }
            expect('}');
            return map;
        }
    }

    private List<Object> array()
    {
        final List<Object> list = new ArrayList<>();
        index++;
        skipSpace();
        if (peek() == ']')
        {
            index++;
            return list;
        }
        while (true)
        {
            list.add(value());
            skipSpace();
            if (peek() == ',')
            {
                index++;
                continue;
            }
            expect(']');
            return list;
        }
    }

    private String string()
    {
        expect('"');
        final StringBuilder out = new StringBuilder();
        while (true)
        {
            final char c = text.charAt(index++);
            if (c == '"')
            {
                return out.toString();
            }
            if (c < 0x20)
            {
                throw error("a control character in a string");
            }
            if (c == '\\')
            {
                final char escaped = text.charAt(index++);
                switch (escaped)
                {
                    case 'n':
                        out.append('\n');
                        break;
                    case 't':
                        out.append('\t');
                        break;
                    case 'r':
                        out.append('\r');
                        break;
                    case 'u':
                        out.append((char)Integer.parseInt(text.substring(index, index + 4), 16));
                        index += 4;
                        break;
                    case '"':
                    case '\\':
                    case '/':
                        out.append(escaped);
                        break;
                    default:
                        throw error("a bad escape");
                }
            }
            else
            {
                out.append(c);
            }
        }
    }

    private Object literal(final String word, final Object value)
    {
        if (!text.startsWith(word, index))
        {
            throw error(word);
        }
        index += word.length();
        return value;
    }

    private Double number()
    {
        final int start = index;
        while (index < text.length() && "+-0123456789.eE".indexOf(text.charAt(index)) >= 0)
        {
            index++;
        }
        try
        {
            return Double.valueOf(text.substring(start, index));
        }
        catch (final NumberFormatException ex)
        {
            throw error("a number");
        }
    }

    private char peek()
    {
        return index < text.length() ? text.charAt(index) : '\0';
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("'" + c + "'");
        }
        index++;
    }

    private void skipSpace()
    {
        while (index < text.length() && Character.isWhitespace(text.charAt(index)))
        {
            index++;
        }
    }

    private IllegalArgumentException error(final String expected)
    {
        return new IllegalArgumentException("not JSON: expected " + expected + " at " + index);
    }
}
