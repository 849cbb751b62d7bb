//! One-candle shapes (doji, marubozu, long and short lines, ...) and the hammer family,
//! which also looks at the previous candle's position.

use super::Setting::*;
use super::{patterns, Pattern, Setting, Window};

patterns! {
    /// CDLBELTHOLD: a long body opening at its extreme (no shadow on the opening side).
    BeltHold: span 0, averages [(BodyLong, 0), (ShadowVeryShort, 0)], |w| {
        let c = w.c(0);
        let svs = w.avg(ShadowVeryShort, 0);
        let opens_at_extreme = if c.is_white() { c.lower_shadow() < svs } else { c.upper_shadow() < svs };
        if c.body() > w.avg(BodyLong, 0) && opens_at_extreme { c.color() * 100 } else { 0 }
    }

    /// CDLCLOSINGMARUBOZU: a long body closing at its extreme.
    ClosingMarubozu: span 0, averages [(BodyLong, 0), (ShadowVeryShort, 0)], |w| {
        let c = w.c(0);
        let svs = w.avg(ShadowVeryShort, 0);
        let closes_at_extreme = if c.is_white() { c.upper_shadow() < svs } else { c.lower_shadow() < svs };
        if c.body() > w.avg(BodyLong, 0) && closes_at_extreme { c.color() * 100 } else { 0 }
    }

    /// CDLDOJI: a body no longer than a tenth of the recent mean range.
    Doji: span 0, averages [(BodyDoji, 0)], |w| {
        if w.c(0).body() <= w.avg(BodyDoji, 0) { 100 } else { 0 }
    }

    /// CDLDRAGONFLYDOJI: doji with no upper shadow and a lower one.
    DragonflyDoji: span 0, averages [(BodyDoji, 0), (ShadowVeryShort, 0)], |w| {
        let c = w.c(0);
        let svs = w.avg(ShadowVeryShort, 0);
        let hit = c.body() <= w.avg(BodyDoji, 0) && c.upper_shadow() < svs && c.lower_shadow() > svs;
        if hit { 100 } else { 0 }
    }

    /// CDLGRAVESTONEDOJI: doji with no lower shadow and an upper one.
    GravestoneDoji: span 0, averages [(BodyDoji, 0), (ShadowVeryShort, 0)], |w| {
        let c = w.c(0);
        let svs = w.avg(ShadowVeryShort, 0);
        let hit = c.body() <= w.avg(BodyDoji, 0) && c.lower_shadow() < svs && c.upper_shadow() > svs;
        if hit { 100 } else { 0 }
    }

    /// CDLHIGHWAVE: short body, both shadows very long.
    HighWave: span 0, averages [(BodyShort, 0)], |w| {
        let c = w.c(0);
        let long = w.avg(ShadowVeryLong, 0);
        let hit = c.body() < w.avg(BodyShort, 0) && c.upper_shadow() > long && c.lower_shadow() > long;
        if hit { c.color() * 100 } else { 0 }
    }

    /// CDLLONGLEGGEDDOJI: doji with a long shadow on either side.
    LongLeggedDoji: span 0, averages [(BodyDoji, 0)], |w| {
        let c = w.c(0);
        let long = w.avg(ShadowLong, 0);
        let hit = c.body() <= w.avg(BodyDoji, 0) && (c.lower_shadow() > long || c.upper_shadow() > long);
        if hit { 100 } else { 0 }
    }

    /// CDLLONGLINE: long body, short shadows.
    LongLine: span 0, averages [(BodyLong, 0), (ShadowShort, 0)], |w| {
        let c = w.c(0);
        let short = w.avg(ShadowShort, 0);
        let hit = c.body() > w.avg(BodyLong, 0) && c.upper_shadow() < short && c.lower_shadow() < short;
        if hit { c.color() * 100 } else { 0 }
    }

    /// CDLMARUBOZU: long body, (almost) no shadows.
    Marubozu: span 0, averages [(BodyLong, 0), (ShadowVeryShort, 0)], |w| {
        let c = w.c(0);
        let svs = w.avg(ShadowVeryShort, 0);
        let hit = c.body() > w.avg(BodyLong, 0) && c.upper_shadow() < svs && c.lower_shadow() < svs;
        if hit { c.color() * 100 } else { 0 }
    }

    /// CDLRICKSHAWMAN: long-legged doji with the body near the middle of the range.
    Rickshawman: span 0, averages [(BodyDoji, 0), (Near, 0)], |w| {
        let c = w.c(0);
        let long = w.avg(ShadowLong, 0);
        let near = w.avg(Near, 0);
        let mid = c.low + c.hl_range() / 2.0;
        let hit = c.body() <= w.avg(BodyDoji, 0)
            && c.lower_shadow() > long
            && c.upper_shadow() > long
            && c.body_bottom_oc() <= mid + near
            && c.body_top_oc() >= mid - near;
        if hit { 100 } else { 0 }
    }

    /// CDLSHORTLINE: short body, short shadows.
    ShortLine: span 0, averages [(BodyShort, 0), (ShadowShort, 0)], |w| {
        let c = w.c(0);
        let short = w.avg(ShadowShort, 0);
        let hit = c.body() < w.avg(BodyShort, 0) && c.upper_shadow() < short && c.lower_shadow() < short;
        if hit { c.color() * 100 } else { 0 }
    }

    /// CDLSPINNINGTOP: small body, both shadows longer than it.
    SpinningTop: span 0, averages [(BodyShort, 0)], |w| {
        let c = w.c(0);
        let hit = c.body() < w.avg(BodyShort, 0) && c.upper_shadow() > c.body() && c.lower_shadow() > c.body();
        if hit { c.color() * 100 } else { 0 }
    }

    /// CDLTAKURI: dragonfly doji with a very long lower shadow.
    Takuri: span 0, averages [(BodyDoji, 0), (ShadowVeryShort, 0)], |w| {
        let c = w.c(0);
        let hit = c.body() <= w.avg(BodyDoji, 0)
            && c.upper_shadow() < w.avg(ShadowVeryShort, 0)
            && c.lower_shadow() > w.avg(ShadowVeryLong, 0);
        if hit { 100 } else { 0 }
    }

    /// CDLHAMMER: small body, long lower shadow, no upper one, body near the prior low.
    Hammer: span 1, averages [(BodyShort, 0), (ShadowVeryShort, 0), (Near, 1)], |w| {
        let (prev, c) = (w.c(1), w.c(0));
        let hit = c.body() < w.avg(BodyShort, 0)
            && c.lower_shadow() > w.avg(ShadowLong, 0)
            && c.upper_shadow() < w.avg(ShadowVeryShort, 0)
            && c.body_bottom() <= prev.low + w.avg(Near, 1);
        if hit { 100 } else { 0 }
    }

    /// CDLHANGINGMAN: the hammer shape with its body near the prior high.
    HangingMan: span 1, averages [(BodyShort, 0), (ShadowVeryShort, 0), (Near, 1)], |w| {
        let (prev, c) = (w.c(1), w.c(0));
        let hit = c.body() < w.avg(BodyShort, 0)
            && c.lower_shadow() > w.avg(ShadowLong, 0)
            && c.upper_shadow() < w.avg(ShadowVeryShort, 0)
            && c.body_bottom() >= prev.high - w.avg(Near, 1);
        if hit { -100 } else { 0 }
    }

    /// CDLINVERTEDHAMMER: small body, long upper shadow, gapping down from the prior body.
    InvertedHammer: span 1, averages [(BodyShort, 0), (ShadowVeryShort, 0)], |w| {
        let (prev, c) = (w.c(1), w.c(0));
        let hit = c.body() < w.avg(BodyShort, 0)
            && c.upper_shadow() > w.avg(ShadowLong, 0)
            && c.lower_shadow() < w.avg(ShadowVeryShort, 0)
            && c.body_gap_down(&prev);
        if hit { 100 } else { 0 }
    }

    /// CDLSHOOTINGSTAR: small body, long upper shadow, gapping up from the prior body.
    ShootingStar: span 1, averages [(BodyShort, 0), (ShadowVeryShort, 0)], |w| {
        let (prev, c) = (w.c(1), w.c(0));
        let hit = c.body() < w.avg(BodyShort, 0)
            && c.upper_shadow() > w.avg(ShadowLong, 0)
            && c.lower_shadow() < w.avg(ShadowVeryShort, 0)
            && c.body_gap_up(&prev);
        if hit { -100 } else { 0 }
    }
}
