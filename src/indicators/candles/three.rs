//! Three-candle patterns (c2 = first, c1 = second, c0 = the current bar).

use super::Setting::*;
use super::{patterns, Pattern, Setting, Window};

patterns! {
    /// CDL2CROWS: long white, a black body gapping up, a black candle opening inside the
    /// second body and closing inside the first.
    TwoCrows: span 2, averages [(BodyLong, 2)], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let hit = c2.is_white()
            && c2.body() > w.avg(BodyLong, 2)
            && c1.is_black()
            && c1.body_gap_up(&c2)
            && c0.is_black()
            && c0.open < c1.open
            && c0.open > c1.close
            && c0.close > c2.open
            && c0.close < c2.close;
        if hit { -100 } else { 0 }
    }

    /// CDL3INSIDE: a harami confirmed by a third candle closing beyond the first open.
    ThreeInside: span 2, averages [(BodyLong, 2), (BodyShort, 1)], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let confirmed = if c2.is_white() {
            c0.is_black() && c0.close < c2.open
        } else {
            c0.is_white() && c0.close > c2.open
        };
        let hit = c2.body() > w.avg(BodyLong, 2)
            && c1.body() <= w.avg(BodyShort, 1)
            && c1.body_top() < c2.body_top()
            && c1.body_bottom() > c2.body_bottom()
            && confirmed;
        if hit { -c2.color() * 100 } else { 0 }
    }

    /// CDL3OUTSIDE: an engulfing pair confirmed by a third close in its direction.
    ThreeOutside: span 3, averages [], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let up = c1.is_white() && c2.is_black() && c1.close > c2.open && c1.open < c2.close && c0.close > c1.close;
        let down = c1.is_black() && c2.is_white() && c1.open > c2.close && c1.close < c2.open && c0.close < c1.close;
        if up || down { c1.color() * 100 } else { 0 }
    }

    /// CDL3STARSINSOUTH: three shrinking black candles, the last a small marubozu inside the
    /// second's range.
    ThreeStarsInSouth: span 2, averages [(BodyLong, 2), (ShadowVeryShort, 1), (ShadowVeryShort, 0), (BodyShort, 0)], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let svs0 = w.avg(ShadowVeryShort, 0);
        let hit = c2.is_black()
            && c1.is_black()
            && c0.is_black()
            && c2.body() > w.avg(BodyLong, 2)
            && c2.lower_shadow() > w.avg(ShadowLong, 2)
            && c1.body() < c2.body()
            && c1.open > c2.close
            && c1.open <= c2.high
            && c1.low < c2.close
            && c1.low >= c2.low
            && c1.lower_shadow() > w.avg(ShadowVeryShort, 1)
            && c0.body() < w.avg(BodyShort, 0)
            && c0.lower_shadow() < svs0
            && c0.upper_shadow() < svs0
            && c0.low > c1.low
            && c0.high < c1.high;
        if hit { 100 } else { 0 }
    }

    /// CDL3WHITESOLDIERS: three rising white candles with short upper shadows, each opening
    /// within the previous body and not much shorter than it.
    ThreeWhiteSoldiers: span 2, averages [
        (ShadowVeryShort, 2), (ShadowVeryShort, 1), (ShadowVeryShort, 0),
        (Near, 2), (Near, 1), (Far, 2), (Far, 1), (BodyShort, 0)
    ], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let hit = c2.is_white()
            && c2.upper_shadow() < w.avg(ShadowVeryShort, 2)
            && c1.is_white()
            && c1.upper_shadow() < w.avg(ShadowVeryShort, 1)
            && c0.is_white()
            && c0.upper_shadow() < w.avg(ShadowVeryShort, 0)
            && c0.close > c1.close
            && c1.close > c2.close
            && c1.open > c2.open
            && c1.open <= c2.close + w.avg(Near, 2)
            && c0.open > c1.open
            && c0.open <= c1.close + w.avg(Near, 1)
            && c1.body() > c2.body() - w.avg(Far, 2)
            && c0.body() > c1.body() - w.avg(Far, 1)
            && c0.body() > w.avg(BodyShort, 0);
        if hit { 100 } else { 0 }
    }

    /// CDLABANDONEDBABY: long body, a doji gapping away (whole candles), a reversal candle
    /// gapping back and closing `penetration` deep into the first body.
    AbandonedBaby: span 2, averages [(BodyLong, 2), (BodyDoji, 1), (BodyShort, 0)], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let depth = c2.body() * w.penetration;
        let top = c2.is_white() && c0.is_black() && c0.close < c2.close - depth && c1.gap_up(&c2) && c0.gap_down(&c1);
        let bottom = c2.is_black() && c0.is_white() && c0.close > c2.close + depth && c1.gap_down(&c2) && c0.gap_up(&c1);
        let hit = c2.body() > w.avg(BodyLong, 2)
            && c1.body() <= w.avg(BodyDoji, 1)
            && c0.body() > w.avg(BodyShort, 0)
            && (top || bottom);
        if hit { c0.color() * 100 } else { 0 }
    }

    /// CDLADVANCEBLOCK: three rising white candles losing strength (shrinking bodies or
    /// growing upper shadows).
    AdvanceBlock: span 2, averages [
        (ShadowShort, 2), (ShadowShort, 1), (ShadowShort, 0),
        (Near, 2), (Near, 1), (Far, 2), (Far, 1), (BodyLong, 2)
    ], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let weakening = (c1.body() < c2.body() - w.avg(Far, 2) && c0.body() < c1.body() + w.avg(Near, 1))
            || c0.body() < c1.body() - w.avg(Far, 1)
            || (c0.body() < c1.body()
                && c1.body() < c2.body()
                && (c0.upper_shadow() > w.avg(ShadowShort, 0) || c1.upper_shadow() > w.avg(ShadowShort, 1)))
            || (c0.body() < c1.body() && c0.upper_shadow() > w.avg(ShadowLong, 0));
        let hit = c2.is_white()
            && c1.is_white()
            && c0.is_white()
            && c0.close > c1.close
            && c1.close > c2.close
            && c1.open > c2.open
            && c1.open <= c2.close + w.avg(Near, 2)
            && c0.open > c1.open
            && c0.open <= c1.close + w.avg(Near, 1)
            && c2.body() > w.avg(BodyLong, 2)
            && c2.upper_shadow() < w.avg(ShadowShort, 2)
            && weakening;
        if hit { -100 } else { 0 }
    }

    /// CDLEVENINGDOJISTAR: long white, a doji gapping up, a black candle closing
    /// `penetration` deep into the first body.
    EveningDojiStar: span 2, averages [(BodyLong, 2), (BodyDoji, 1), (BodyShort, 0)], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let hit = c2.body() > w.avg(BodyLong, 2)
            && c2.is_white()
            && c1.body() <= w.avg(BodyDoji, 1)
            && c1.body_gap_up(&c2)
            && c0.body() > w.avg(BodyShort, 0)
            && c0.is_black()
            && c0.close < c2.close - c2.body() * w.penetration;
        if hit { -100 } else { 0 }
    }

    /// CDLEVENINGSTAR: long white, a short body gapping up, a black candle closing
    /// `penetration` deep into the first body.
    EveningStar: span 2, averages [(BodyLong, 2), (BodyShort, 1), (BodyShort, 0)], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let hit = c2.body() > w.avg(BodyLong, 2)
            && c2.is_white()
            && c1.body() <= w.avg(BodyShort, 1)
            && c1.body_gap_up(&c2)
            && c0.body() > w.avg(BodyShort, 0)
            && c0.is_black()
            && c0.close < c2.close - c2.body() * w.penetration;
        if hit { -100 } else { 0 }
    }

    /// CDLGAPSIDESIDEWHITE: two similar white candles side by side after a gap.
    GapSideSideWhite: span 2, averages [(Near, 1), (Equal, 1)], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let (near, eq) = (w.avg(Near, 1), w.avg(Equal, 1));
        let gap_up = c1.body_gap_up(&c2) && c0.body_gap_up(&c2);
        let gap_down = c1.body_gap_down(&c2) && c0.body_gap_down(&c2);
        let hit = (gap_up || gap_down)
            && c1.is_white()
            && c0.is_white()
            && c0.body() >= c1.body() - near
            && c0.body() <= c1.body() + near
            && c0.open >= c1.open - eq
            && c0.open <= c1.open + eq;
        if !hit {
            0
        } else if c1.body_gap_up(&c2) {
            100
        } else {
            -100
        }
    }

    /// CDLIDENTICAL3CROWS: three falling black candles, each opening at the previous close.
    Identical3Crows: span 2, averages [
        (ShadowVeryShort, 2), (ShadowVeryShort, 1), (ShadowVeryShort, 0), (Equal, 2), (Equal, 1)
    ], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let (eq2, eq1) = (w.avg(Equal, 2), w.avg(Equal, 1));
        let hit = c2.is_black()
            && c2.lower_shadow() < w.avg(ShadowVeryShort, 2)
            && c1.is_black()
            && c1.lower_shadow() < w.avg(ShadowVeryShort, 1)
            && c0.is_black()
            && c0.lower_shadow() < w.avg(ShadowVeryShort, 0)
            && c2.close > c1.close
            && c1.close > c0.close
            && c1.open <= c2.close + eq2
            && c1.open >= c2.close - eq2
            && c0.open <= c1.close + eq1
            && c0.open >= c1.close - eq1;
        if hit { -100 } else { 0 }
    }

    /// CDLMORNINGDOJISTAR: long black, a doji gapping down, a white candle closing
    /// `penetration` deep into the first body.
    MorningDojiStar: span 2, averages [(BodyLong, 2), (BodyDoji, 1), (BodyShort, 0)], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let hit = c2.body() > w.avg(BodyLong, 2)
            && c2.is_black()
            && c1.body() <= w.avg(BodyDoji, 1)
            && c1.body_gap_down(&c2)
            && c0.body() > w.avg(BodyShort, 0)
            && c0.is_white()
            && c0.close > c2.close + c2.body() * w.penetration;
        if hit { 100 } else { 0 }
    }

    /// CDLMORNINGSTAR: long black, a short body gapping down, a white candle closing
    /// `penetration` deep into the first body.
    MorningStar: span 2, averages [(BodyLong, 2), (BodyShort, 1), (BodyShort, 0)], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let hit = c2.body() > w.avg(BodyLong, 2)
            && c2.is_black()
            && c1.body() <= w.avg(BodyShort, 1)
            && c1.body_gap_down(&c2)
            && c0.body() > w.avg(BodyShort, 0)
            && c0.is_white()
            && c0.close > c2.close + c2.body() * w.penetration;
        if hit { 100 } else { 0 }
    }

    /// CDLSTALLEDPATTERN: two long rising white candles, then a small one riding on the
    /// second's shoulder.
    StalledPattern: span 2, averages [
        (BodyLong, 2), (BodyLong, 1), (BodyShort, 0), (ShadowVeryShort, 1), (Near, 2), (Near, 1)
    ], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let hit = c2.is_white()
            && c1.is_white()
            && c0.is_white()
            && c0.close > c1.close
            && c1.close > c2.close
            && c2.body() > w.avg(BodyLong, 2)
            && c1.body() > w.avg(BodyLong, 1)
            && c1.upper_shadow() < w.avg(ShadowVeryShort, 1)
            && c1.open > c2.open
            && c1.open <= c2.close + w.avg(Near, 2)
            && c0.body() < w.avg(BodyShort, 0)
            && c0.open >= c1.close - c0.body() - w.avg(Near, 1);
        if hit { -100 } else { 0 }
    }

    /// CDLSTICKSANDWICH: black, white trading above its close, black closing where the first
    /// did.
    StickSandwich: span 2, averages [(Equal, 2)], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let eq = w.avg(Equal, 2);
        let hit = c2.is_black()
            && c1.is_white()
            && c0.is_black()
            && c1.low > c2.close
            && c0.close <= c2.close + eq
            && c0.close >= c2.close - eq;
        if hit { 100 } else { 0 }
    }

    /// CDLTASUKIGAP: a gap, a candle in its direction, then an opposite candle of about the
    /// same size that does not close the gap.
    TasukiGap: span 2, averages [(Near, 1)], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let near = w.avg(Near, 1);
        let similar = (c1.body() - c0.body()).abs() < near;
        let up = c1.body_gap_up(&c2)
            && c1.is_white()
            && c0.is_black()
            && c0.open < c1.close
            && c0.open > c1.open
            && c0.close < c1.open
            && c0.close > c2.body_top()
            && similar;
        let down = c1.body_gap_down(&c2)
            && c1.is_black()
            && c0.is_white()
            && c0.open < c1.open
            && c0.open > c1.close
            && c0.close > c1.open
            && c0.close < c2.body_bottom()
            && similar;
        if up || down { c1.color() * 100 } else { 0 }
    }

    /// CDLTRISTAR: three dojis, the middle one gapping away, the last not beyond it.
    Tristar: span 2, averages [(BodyDoji, 2)], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        // All three are measured against the first doji's average, as TA-Lib does.
        let doji = w.avg(BodyDoji, 2);
        if !(c2.body() <= doji && c1.body() <= doji && c0.body() <= doji) {
            return 0;
        }
        let mut out = 0;
        if c1.body_gap_up(&c2) && c0.body_top_oc() < c1.body_top_oc() {
            out = -100;
        }
        if c1.body_gap_down(&c2) && c0.body_bottom_oc() > c1.body_bottom_oc() {
            out = 100;
        }
        out
    }

    /// CDLUNIQUE3RIVER: long black, a black harami-like candle with a lower low, a small
    /// white candle opening above that low.
    Unique3River: span 2, averages [(BodyLong, 2), (BodyShort, 0)], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let hit = c2.body() > w.avg(BodyLong, 2)
            && c2.is_black()
            && c1.is_black()
            && c1.close > c2.close
            && c1.open <= c2.open
            && c1.low < c2.low
            && c0.body() < w.avg(BodyShort, 0)
            && c0.is_white()
            && c0.open > c1.low;
        if hit { 100 } else { 0 }
    }

    /// CDLUPSIDEGAP2CROWS: long white, a small black body gapping up, a black candle
    /// engulfing it but closing above the first close.
    UpsideGap2Crows: span 2, averages [(BodyLong, 2), (BodyShort, 1)], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let hit = c2.is_white()
            && c2.body() > w.avg(BodyLong, 2)
            && c1.is_black()
            && c1.body() <= w.avg(BodyShort, 1)
            && c1.body_gap_up(&c2)
            && c0.is_black()
            && c0.open > c1.open
            && c0.close < c1.close
            && c0.close > c2.close;
        if hit { -100 } else { 0 }
    }

    /// CDLXSIDEGAP3METHODS: two same-coloured candles with a body gap, then an opposite
    /// candle opening in the second body and closing in the first.
    XSideGap3Methods: span 2, averages [], |w| {
        let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
        let gap = if c2.is_white() { c1.body_gap_up(&c2) } else { c1.body_gap_down(&c2) };
        let hit = c2.color() == c1.color()
            && c1.color() == -c0.color()
            && c0.open < c1.body_top()
            && c0.open > c1.body_bottom()
            && c0.close < c2.body_top()
            && c0.close > c2.body_bottom()
            && gap;
        if hit { c2.color() * 100 } else { 0 }
    }
}
