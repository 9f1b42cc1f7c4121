package io.bastion.bench;

/** The value, after the left padding. */
class PaddedLongValue extends PaddedLongLeftPad
{
    /** The padded word. */
    long value;
}
