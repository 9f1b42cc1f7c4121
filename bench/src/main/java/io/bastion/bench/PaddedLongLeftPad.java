package io.bastion.bench;

/** Padding before the value. */
class PaddedLongLeftPad
{
    long p01;
    long p02;
    long p03;
    long p04;
    long p05;
    long p06;
    long p07;
    long p08;
    long p09;
    long p10;
    long p11;
    long p12;
    long p13;
    long p14;
    long p15;
    long p16;
}
