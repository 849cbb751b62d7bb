//! Two-candle patterns (the second candle is the current bar).

use super::Setting::*;
use super::{patterns, Pattern, Setting, Window};

patterns! {
    /// CDLCOUNTERATTACK: two long opposite bodies closing at the same level.
    Counterattack: span 1, averages [(Equal, 1), (BodyLong, 1), (BodyLong, 0)], |w| {
        let (c1, c0) = (w.c(1), w.c(0));
        let eq = w.avg(Equal, 1);
        let hit = c1.color() == -c0.color()
            && c1.body() > w.avg(BodyLong, 1)
            && c0.body() > w.avg(BodyLong, 0)
            && c0.close <= c1.close + eq
            && c0.close >= c1.close - eq;
        if hit { c0.color() * 100 } else { 0 }
    }

    /// CDLDARKCLOUDCOVER: a black candle opening above a long white one's high and closing
    /// deep (by `penetration` of its body) into it.
    DarkCloudCover: span 1, averages [(BodyLong, 1)], |w| {
        let (c1, c0) = (w.c(1), w.c(0));
        let hit = c1.is_white()
            && c1.body() > w.avg(BodyLong, 1)
            && c0.is_black()
            && c0.open > c1.high
            && c0.close > c1.open
            && c0.close < c1.close - c1.body() * w.penetration;
        if hit { -100 } else { 0 }
    }

    /// CDLDOJISTAR: a doji whose body gaps away from a long body.
    DojiStar: span 1, averages [(BodyLong, 1), (BodyDoji, 0)], |w| {
        let (c1, c0) = (w.c(1), w.c(0));
        let gaps = if c1.is_white() { c0.body_gap_up(&c1) } else { c0.body_gap_down(&c1) };
        let hit = c1.body() > w.avg(BodyLong, 1) && c0.body() <= w.avg(BodyDoji, 0) && gaps;
        if hit { -c1.color() * 100 } else { 0 }
    }

    /// CDLENGULFING: the second body engulfs the first, opposite colour (80 when one end
    /// only matches).
    Engulfing: span 2, averages [], |w| {
        let (c1, c0) = (w.c(1), w.c(0));
        let bullish = c0.is_white()
            && c1.is_black()
            && ((c0.close >= c1.open && c0.open < c1.close) || (c0.close > c1.open && c0.open <= c1.close));
        let bearish = c0.is_black()
            && c1.is_white()
            && ((c0.open >= c1.close && c0.close < c1.open) || (c0.open > c1.close && c0.close <= c1.open));
        if !(bullish || bearish) {
            0
        } else if c0.open != c1.close && c0.close != c1.open {
            c0.color() * 100
        } else {
            c0.color() * 80
        }
    }

    /// CDLHARAMI: a short body inside the previous long one (80 when it touches an end).
    Harami: span 1, averages [(BodyLong, 1), (BodyShort, 0)], |w| {
        let (c1, c0) = (w.c(1), w.c(0));
        let shapes = c1.body() > w.avg(BodyLong, 1) && c0.body() <= w.avg(BodyShort, 0);
        if shapes { inside_score(c1, c0) } else { 0 }
    }

    /// CDLHARAMICROSS: a doji inside the previous long body.
    HaramiCross: span 1, averages [(BodyLong, 1), (BodyDoji, 0)], |w| {
        let (c1, c0) = (w.c(1), w.c(0));
        let shapes = c1.body() > w.avg(BodyLong, 1) && c0.body() <= w.avg(BodyDoji, 0);
        if shapes { inside_score(c1, c0) } else { 0 }
    }

    /// CDLHOMINGPIGEON: a short black body inside a long black one.
    HomingPigeon: span 1, averages [(BodyLong, 1), (BodyShort, 0)], |w| {
        let (c1, c0) = (w.c(1), w.c(0));
        let hit = c1.is_black()
            && c0.is_black()
            && c1.body() > w.avg(BodyLong, 1)
            && c0.body() <= w.avg(BodyShort, 0)
            && c0.open < c1.open
            && c0.close > c1.close;
        if hit { 100 } else { 0 }
    }

    /// CDLINNECK: a white candle opening below a long black one's low, closing just at or
    /// slightly into its close.
    InNeck: span 1, averages [(Equal, 1), (BodyLong, 1)], |w| {
        let (c1, c0) = (w.c(1), w.c(0));
        let hit = c1.is_black()
            && c1.body() > w.avg(BodyLong, 1)
            && c0.is_white()
            && c0.open < c1.low
            && c0.close <= c1.close + w.avg(Equal, 1)
            && c0.close >= c1.close;
        if hit { -100 } else { 0 }
    }

    /// CDLKICKING: two opposite marubozu with a gap between them.
    Kicking: span 1, averages [(ShadowVeryShort, 1), (ShadowVeryShort, 0), (BodyLong, 1), (BodyLong, 0)], |w| {
        if kicking(w) { w.c(0).color() * 100 } else { 0 }
    }

    /// CDLKICKINGBYLENGTH: kicking, bull or bear by the longer marubozu.
    KickingByLength: span 1, averages [(ShadowVeryShort, 1), (ShadowVeryShort, 0), (BodyLong, 1), (BodyLong, 0)], |w| {
        let (c1, c0) = (w.c(1), w.c(0));
        let longer = if c0.body() > c1.body() { c0 } else { c1 };
        if kicking(w) { longer.color() * 100 } else { 0 }
    }

    /// CDLMATCHINGLOW: two black candles closing at the same level.
    MatchingLow: span 1, averages [(Equal, 1)], |w| {
        let (c1, c0) = (w.c(1), w.c(0));
        let eq = w.avg(Equal, 1);
        let hit = c1.is_black() && c0.is_black() && c0.close <= c1.close + eq && c0.close >= c1.close - eq;
        if hit { 100 } else { 0 }
    }

    /// CDLONNECK: a white candle opening below a long black one's low, closing at that low.
    OnNeck: span 1, averages [(Equal, 1), (BodyLong, 1)], |w| {
        let (c1, c0) = (w.c(1), w.c(0));
        let eq = w.avg(Equal, 1);
        let hit = c1.is_black()
            && c1.body() > w.avg(BodyLong, 1)
            && c0.is_white()
            && c0.open < c1.low
            && c0.close <= c1.low + eq
            && c0.close >= c1.low - eq;
        if hit { -100 } else { 0 }
    }

    /// CDLPIERCING: a long white candle opening below a long black one's low, closing above
    /// its midpoint.
    Piercing: span 1, averages [(BodyLong, 1), (BodyLong, 0)], |w| {
        let (c1, c0) = (w.c(1), w.c(0));
        let hit = c1.is_black()
            && c1.body() > w.avg(BodyLong, 1)
            && c0.is_white()
            && c0.body() > w.avg(BodyLong, 0)
            && c0.open < c1.low
            && c0.close < c1.open
            && c0.close > c1.close + c1.body() * 0.5;
        if hit { 100 } else { 0 }
    }

    /// CDLSEPARATINGLINES: opposite colours, same open, the second a belt hold.
    SeparatingLines: span 1, averages [(ShadowVeryShort, 0), (BodyLong, 0), (Equal, 1)], |w| {
        let (c1, c0) = (w.c(1), w.c(0));
        let eq = w.avg(Equal, 1);
        let svs = w.avg(ShadowVeryShort, 0);
        let opens_at_extreme = if c0.is_white() { c0.lower_shadow() < svs } else { c0.upper_shadow() < svs };
        let hit = c1.color() == -c0.color()
            && c0.open <= c1.open + eq
            && c0.open >= c1.open - eq
            && c0.body() > w.avg(BodyLong, 0)
            && opens_at_extreme;
        if hit { c0.color() * 100 } else { 0 }
    }

    /// CDLTHRUSTING: a white candle opening below a long black one's low, closing into its
    /// body but below the midpoint.
    Thrusting: span 1, averages [(Equal, 1), (BodyLong, 1)], |w| {
        let (c1, c0) = (w.c(1), w.c(0));
        let hit = c1.is_black()
            && c1.body() > w.avg(BodyLong, 1)
            && c0.is_white()
            && c0.open < c1.low
            && c0.close > c1.close + w.avg(Equal, 1)
            && c0.close <= c1.close + c1.body() * 0.5;
        if hit { -100 } else { 0 }
    }
}

/// Harami scoring: strictly inside 100, touching an end 80, reversing the first colour.
fn inside_score(c1: super::Candle, c0: super::Candle) -> i32 {
    if c0.body_top() < c1.body_top() && c0.body_bottom() > c1.body_bottom() {
        -c1.color() * 100
    } else if c0.body_top() <= c1.body_top() && c0.body_bottom() >= c1.body_bottom() {
        -c1.color() * 80
    } else {
        0
    }
}

/// Two opposite marubozu, the second gapping away in its own direction.
fn kicking(w: &Window) -> bool {
    let (c1, c0) = (w.c(1), w.c(0));
    let (svs1, svs0) = (w.avg(ShadowVeryShort, 1), w.avg(ShadowVeryShort, 0));
    let gaps = if c1.is_black() {
        c0.gap_up(&c1)
    } else {
        c0.gap_down(&c1)
    };
    c1.color() == -c0.color()
        && c1.body() > w.avg(BodyLong, 1)
        && c1.upper_shadow() < svs1
        && c1.lower_shadow() < svs1
        && c0.body() > w.avg(BodyLong, 0)
        && c0.upper_shadow() < svs0
        && c0.lower_shadow() < svs0
        && gaps
}
