//! Four- and five-candle patterns (cN = the candle N bars before the current one).

use super::Setting::*;
use super::{max, patterns, Pattern, Setting, Window};

patterns! {
    /// CDL3BLACKCROWS: after a white candle, three falling black candles closing near their
    /// lows, each opening inside the previous body.
    ThreeBlackCrows: span 3, averages [(ShadowVeryShort, 2), (ShadowVeryShort, 1), (ShadowVeryShort, 0)], |w| {
        let (c3, c2, c1, c0) = (w.c(3), w.c(2), w.c(1), w.c(0));
        let hit = c3.is_white()
            && c2.is_black()
            && c2.lower_shadow() < w.avg(ShadowVeryShort, 2)
            && c1.is_black()
            && c1.lower_shadow() < w.avg(ShadowVeryShort, 1)
            && c0.is_black()
            && c0.lower_shadow() < w.avg(ShadowVeryShort, 0)
            && c1.open < c2.open
            && c1.open > c2.close
            && c0.open < c1.open
            && c0.open > c1.close
            && c3.high > c2.close
            && c2.close > c1.close
            && c1.close > c0.close;
        if hit { -100 } else { 0 }
    }

    /// CDL3LINESTRIKE: three same-coloured steps, then a candle wiping them out.
    ThreeLineStrike: span 3, averages [(Near, 3), (Near, 2)], |w| {
        let (c3, c2, c1, c0) = (w.c(3), w.c(2), w.c(1), w.c(0));
        let (near3, near2) = (w.avg(Near, 3), w.avg(Near, 2));
        let rising = c1.is_white()
            && c1.close > c2.close
            && c2.close > c3.close
            && c0.open > c1.close
            && c0.close < c3.open;
        let falling = c1.is_black()
            && c1.close < c2.close
            && c2.close < c3.close
            && c0.open < c1.close
            && c0.close > c3.open;
        let hit = c3.color() == c2.color()
            && c2.color() == c1.color()
            && c0.color() == -c1.color()
            && c2.open >= c3.body_bottom_oc() - near3
            && c2.open <= c3.body_top_oc() + near3
            && c1.open >= c2.body_bottom_oc() - near2
            && c1.open <= c2.body_top_oc() + near2
            && (rising || falling);
        if hit { c1.color() * 100 } else { 0 }
    }

    /// CDLCONCEALBABYSWALL: two black marubozu, a black candle gapping down with an upper
    /// shadow into the prior body, a black candle engulfing it.
    ConcealBabysWall: span 3, averages [(ShadowVeryShort, 3), (ShadowVeryShort, 2), (ShadowVeryShort, 1)], |w| {
        let (c3, c2, c1, c0) = (w.c(3), w.c(2), w.c(1), w.c(0));
        let (svs3, svs2) = (w.avg(ShadowVeryShort, 3), w.avg(ShadowVeryShort, 2));
        let hit = c3.is_black()
            && c2.is_black()
            && c1.is_black()
            && c0.is_black()
            && c3.lower_shadow() < svs3
            && c3.upper_shadow() < svs3
            && c2.lower_shadow() < svs2
            && c2.upper_shadow() < svs2
            && c1.body_gap_down(&c2)
            && c1.upper_shadow() > w.avg(ShadowVeryShort, 1)
            && c1.high > c2.close
            && c0.high > c1.high
            && c0.low < c1.low;
        if hit { 100 } else { 0 }
    }

    /// CDLBREAKAWAY: a long candle, a gap, three candles drifting on, and a reversal candle
    /// closing inside the gap.
    Breakaway: span 4, averages [(BodyLong, 4)], |w| {
        let (c4, c3, c2, c1, c0) = (w.c(4), w.c(3), w.c(2), w.c(1), w.c(0));
        let bull = c4.is_black()
            && c3.body_gap_down(&c4)
            && c2.high < c3.high
            && c2.low < c3.low
            && c1.high < c2.high
            && c1.low < c2.low
            && c0.close > c3.open
            && c0.close < c4.close;
        let bear = c4.is_white()
            && c3.body_gap_up(&c4)
            && c2.high > c3.high
            && c2.low > c3.low
            && c1.high > c2.high
            && c1.low > c2.low
            && c0.close < c3.open
            && c0.close > c4.close;
        let hit = c4.body() > w.avg(BodyLong, 4)
            && c4.color() == c3.color()
            && c3.color() == c1.color()
            && c1.color() == -c0.color()
            && (bull || bear);
        if hit { c0.color() * 100 } else { 0 }
    }

    /// CDLLADDERBOTTOM: three falling black candles, a black one with an upper shadow, a
    /// white candle closing above its high.
    LadderBottom: span 4, averages [(ShadowVeryShort, 1)], |w| {
        let (c4, c3, c2, c1, c0) = (w.c(4), w.c(3), w.c(2), w.c(1), w.c(0));
        let hit = c4.is_black()
            && c3.is_black()
            && c2.is_black()
            && c4.open > c3.open
            && c3.open > c2.open
            && c4.close > c3.close
            && c3.close > c2.close
            && c1.is_black()
            && c1.upper_shadow() > w.avg(ShadowVeryShort, 1)
            && c0.is_white()
            && c0.open > c1.open
            && c0.close > c1.high;
        if hit { 100 } else { 0 }
    }

    /// CDLMATHOLD: long white, a small black body gapping up, two small bodies holding
    /// within `penetration` of the first body, a white candle closing above them all.
    MatHold: span 4, averages [(BodyShort, 3), (BodyShort, 2), (BodyShort, 1), (BodyLong, 4)], |w| {
        let (c4, c3, c2, c1, c0) = (w.c(4), w.c(3), w.c(2), w.c(1), w.c(0));
        let floor = c4.close - c4.body() * w.penetration;
        let hit = c4.body() > w.avg(BodyLong, 4)
            && c3.body() < w.avg(BodyShort, 3)
            && c2.body() < w.avg(BodyShort, 2)
            && c1.body() < w.avg(BodyShort, 1)
            && c4.is_white()
            && c3.is_black()
            && c0.is_white()
            && c3.body_gap_up(&c4)
            && c2.body_bottom_oc() < c4.close
            && c1.body_bottom_oc() < c4.close
            && c2.body_bottom_oc() > floor
            && c1.body_bottom_oc() > floor
            && c2.body_top() < c3.open
            && c1.body_top() < c2.body_top()
            && c0.open > c1.close
            && c0.close > max(max(c3.high, c2.high), c1.high);
        if hit { 100 } else { 0 }
    }

    /// CDLRISEFALL3METHODS: a long candle, three small opposite candles within its range
    /// drifting against it, a long candle resuming the trend past its close.
    RiseFall3Methods: span 4, averages [
        (BodyShort, 3), (BodyShort, 2), (BodyShort, 1), (BodyLong, 4), (BodyLong, 0)
    ], |w| {
        let (c4, c3, c2, c1, c0) = (w.c(4), w.c(3), w.c(2), w.c(1), w.c(0));
        // The trend's sign turns "rising" and "falling" into one set of comparisons.
        let s = f64::from(c4.color());
        let within = |c: super::Candle| c.body_bottom_oc() < c4.high && c.body_top_oc() > c4.low;
        let hit = c4.body() > w.avg(BodyLong, 4)
            && c3.body() < w.avg(BodyShort, 3)
            && c2.body() < w.avg(BodyShort, 2)
            && c1.body() < w.avg(BodyShort, 1)
            && c0.body() > w.avg(BodyLong, 0)
            && c4.color() == -c3.color()
            && c3.color() == c2.color()
            && c2.color() == c1.color()
            && c1.color() == -c0.color()
            && within(c3)
            && within(c2)
            && within(c1)
            && c2.close * s < c3.close * s
            && c1.close * s < c2.close * s
            && c0.open * s > c1.close * s
            && c0.close * s > c4.close * s;
        if hit { 100 * c4.color() } else { 0 }
    }
}
