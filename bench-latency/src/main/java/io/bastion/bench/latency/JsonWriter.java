package io.bastion.bench.latency;

/**
 * A small JSON writer into a string, for the report's summary: objects, arrays, strings, numbers and booleans, with
 * commas and indentation handled. It checks nothing about nesting; the report writes a fixed shape.
 * <p>
 * Not thread safe.
 */
final class JsonWriter
{
    private final StringBuilder out = new StringBuilder();
    private boolean first = true;
    private int depth;

    /**
     * Start an object, as a value or (with a name) as a member.
     *
     * @param name the member's name, or null for a value.
     * @return this.
     */
    JsonWriter beginObject(final String name)
    {
        return open(name, '{');
    }

    /**
     * End the current object.
     *
     * @return this.
     */
    JsonWriter endObject()
    {
        return close('}');
    }

    /**
     * Start an array, as a value or (with a name) as a member.
     *
     * @param name the member's name, or null for a value.
     * @return this.
     */
    JsonWriter beginArray(final String name)
    {
        return open(name, '[');
    }

    /**
     * End the current array.
     *
     * @return this.
     */
    JsonWriter endArray()
    {
        return close(']');
    }

    /**
     * A string member or value.
     *
     * @param name  the member's name, or null for a value.
     * @param value the string, or null for JSON null.
     * @return this.
     */
    JsonWriter string(final String name, final String value)
    {
        prefix(name);
        if (null == value)
        {
            out.append("null");
        }
        else
        {
            quote(value);
        }
        return this;
    }

    /**
     * A number member or value.
     *
     * @param name  the member's name, or null for a value.
     * @param value a finite number (a non-finite one is written as null).
     * @return this.
     */
    JsonWriter number(final String name, final double value)
    {
        prefix(name);
        if (!Double.isFinite(value))
        {
            out.append("null");
        }
        else if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            out.append((long)value);
        }
        else
        {
            out.append(value);
        }
        return this;
    }

    /**
     * A boolean member or value.
     *
     * @param name  the member's name, or null for a value.
     * @param value the boolean.
     * @return this.
     */
    JsonWriter bool(final String name, final boolean value)
    {
        prefix(name);
        out.append(value);
        return this;
    }

    /**
     * The document written so far.
     *
     * @return the text, with a final newline.
     */
    String text()
    {
        return out + "\n";
    }

    private JsonWriter open(final String name, final char bracket)
    {
        prefix(name);
        out.append(bracket);
        depth++;
        first = true;
        return this;
    }

    private JsonWriter close(final char bracket)
    {
        depth--;
        if (!first)
        {
            newline();
        }
        out.append(bracket);
        first = false;
        return this;
    }

    private void prefix(final String name)
    {
        if (depth > 0)
        {
            if (!first)
            {
                out.append(',');
            }
            newline();
        }
        first = false;
        if (null != name)
        {
            quote(name);
            out.append(": ");
        }
    }

    private void newline()
    {
        out.append('\n');
        out.append("  ".repeat(depth));
    }

    private void quote(final String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
