//! The declaration table: one line per indicator gives its name, group, inputs, parameters
//! (TA-Lib's names, defaults and valid ranges), outputs and kernel. Batch computation,
//! streaming, lookback, the catalogue listing and the JS export all come from it.

#[allow(unused_imports)]
use super::{candles::*, cycle::*, extra::*, math::*, overlap::*};
use super::ma::{DemaK, EmaK, KamaK, SmaK, TemaK, TrimaK, WmaK, T3K};
use super::momentum::{
    AdxK, AdxrK, ApoK, AroonK, AroonOscK, BopK, CciK, CmoK, MacdK, MfiK, MinusDiK, MomK, PlusDiK,
    PpoK, RocK, RsiK, StochFK, StochK, StochRsiK, TrixK, UltOscK, WillrK,
};
use super::params::{matype, period, real, ParamKind, ParamSpec, Resolved, REAL_MAX};
use super::stats::{LinRegK, LinRegSlopeK, StdDevK};
use super::volatility::{AtrK, BbandsK, MidPriceK, NatrK, SarK, TRangeK};
use super::volume::{AdK, AdOscK, ObvK};
use super::{Bar, Input, Inputs, Kernel, Out};
use crate::{Error, Result};
use serde::Serialize;

/// One catalogue entry as listed by [`catalogue`] (and `catalogue()` in JS).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogueEntry {
    pub name: &'static str,
    pub group: &'static str,
    pub inputs: Vec<&'static str>,
    pub params: Vec<ParamEntry>,
    pub outputs: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamEntry {
    pub name: &'static str,
    pub default: f64,
    pub min: f64,
    pub max: f64,
    /// `integer`, `real` or `matype`.
    pub kind: ParamKind,
}

/// All indicators with their inputs, parameters and outputs.
pub fn catalogue() -> Vec<CatalogueEntry> {
    ENTRIES
        .iter()
        .map(|e| CatalogueEntry {
            name: e.name,
            group: e.group,
            inputs: e.inputs.iter().map(|i| i.name()).collect(),
            params: e
                .params
                .iter()
                .map(|p| ParamEntry {
                    name: p.name,
                    default: p.default,
                    min: p.min,
                    max: p.max,
                    kind: p.kind,
                })
                .collect(),
            outputs: e.outputs.to_vec(),
        })
        .collect()
}

/// The compiled declaration of one indicator.
pub(crate) struct Entry {
    pub name: &'static str,
    pub group: &'static str,
    pub inputs: &'static [Input],
    pub params: &'static [ParamSpec],
    pub outputs: &'static [&'static str],
    pub make: fn(&Resolved) -> AnyKernel,
    pub lookback: fn(&Resolved) -> usize,
    pub batch: fn(&Resolved, &Columns, &mut [&mut [f64]]),
    /// Batch into new vectors (no pre-fill pass over the outputs).
    pub collect: fn(&Resolved, &Columns, usize) -> Vec<Vec<f64>>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

pub(crate) fn entries() -> &'static [Entry] {
    ENTRIES
}

/// Looks an indicator up by TA-Lib name, ignoring ASCII case.
pub(crate) fn find(name: &str) -> Result<&'static Entry> {
    ENTRIES
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            let known: Vec<&str> = ENTRIES.iter().map(|e| e.name).collect();
            Error::invalid_parameter(format!(
                "unknown indicator '{name}'; known indicators are {}",
                known.join(", ")
            ))
            .with("parameter", "name")
            .with("name", name)
            .with("known", known)
        })
}

/// Validated input columns, all of one length; unused columns are empty.
pub(crate) struct Columns<'a> {
    open: &'a [f64],
    high: &'a [f64],
    low: &'a [f64],
    close: &'a [f64],
    volume: &'a [f64],
    periods: &'a [f64],
    len: usize,
}

impl<'a> Columns<'a> {
    /// Every column cut to the common length, so the batch loops index without bounds checks.
    #[inline(always)]
    fn trimmed(&self) -> Columns<'a> {
        let n = [self.open, self.high, self.low, self.close, self.volume, self.periods]
            .iter()
            .fold(self.len, |n, c| n.min(c.len()));
        Columns {
            open: &self.open[..n],
            high: &self.high[..n],
            low: &self.low[..n],
            close: &self.close[..n],
            volume: &self.volume[..n],
            periods: &self.periods[..n],
            len: n,
        }
    }

    /// Bar `i` (`i < len` after `trimmed`).
    #[inline(always)]
    fn bar(&self, i: usize) -> Bar {
        Bar {
            open: self.open[i],
            high: self.high[i],
            low: self.low[i],
            close: self.close[i],
            volume: self.volume[i],
            periods: self.periods[i],
        }
    }

    /// Checks that every required input is present and that all given columns agree in length.
    pub(crate) fn new(entry: &Entry, inputs: &Inputs<'a>) -> Result<Self> {
        for &input in entry.inputs {
            if inputs.get(input).is_none() {
                let required: Vec<&str> = entry.inputs.iter().map(|i| i.name()).collect();
                return Err(Error::invalid_input(format!(
                    "{} needs the '{}' input (it reads {})",
                    entry.name,
                    input.name(),
                    required.join(", ")
                ))
                .with("input", input.name())
                .with("indicator", entry.name)
                .with("required", required));
            }
        }
        let mut len: Option<(Input, usize)> = None;
        for input in Input::ALL {
            if let Some(col) = inputs.get(input) {
                match len {
                    None => len = Some((input, col.len())),
                    Some((first, n)) if n != col.len() => {
                        return Err(Error::invalid_input(format!(
                            "input '{}' has {} values but '{}' has {}; all inputs must have the same length",
                            input.name(),
                            col.len(),
                            first.name(),
                            n
                        ))
                        .with("input", input.name())
                        .with("length", col.len())
                        .with("expected", n));
                    }
                    Some(_) => {}
                }
            }
        }
        let len = len.map_or(0, |(_, n)| n);
        // Columns the indicator does not read are never looked at, so they borrow a column
        // it does read: every slice then has length `len` and the batch loop needs no checks.
        let filler: &'a [f64] = entry
            .inputs
            .first()
            .and_then(|&i| inputs.get(i))
            .unwrap_or(&[]);
        let pick = |input: Input| {
            if entry.inputs.contains(&input) {
                inputs.get(input).unwrap_or(filler)
            } else {
                filler
            }
        };
        Ok(Columns {
            open: pick(Input::Open),
            high: pick(Input::High),
            low: pick(Input::Low),
            close: pick(Input::Close),
            volume: pick(Input::Volume),
            periods: pick(Input::Periods),
            len,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

/// The batch driver: the streaming kernel run over every bar (hence stream == batch).
fn run<K: Kernel>(p: &Resolved, cols: &Columns, outs: &mut [&mut [f64]]) {
    let mut k = K::new(p);
    let cols = cols.trimmed();
    let n = cols.len;
    let bar = |i: usize| cols.bar(i);
    match outs {
        [a] => {
            for (i, slot) in a.iter_mut().enumerate().take(n) {
                *slot = k.update(&bar(i))[0];
            }
        }
        _ => {
            for i in 0..n {
                let o = k.update(&bar(i));
                for (out, v) in outs.iter_mut().zip(o) {
                    if let Some(slot) = out.get_mut(i) {
                        *slot = v;
                    }
                }
            }
        }
    }
}

/// The batch driver for freshly allocated outputs: the same kernel, values pushed in order.
fn collect<K: Kernel>(p: &Resolved, cols: &Columns, outputs: usize) -> Vec<Vec<f64>> {
    let mut k = K::new(p);
    let cols = cols.trimmed();
    let n = cols.len;
    let bar = |i: usize| cols.bar(i);
    if outputs == 1 {
        return vec![(0..n).map(|i| k.update(&bar(i))[0]).collect()];
    }
    let mut outs: Vec<Vec<f64>> = (0..outputs).map(|_| Vec::with_capacity(n)).collect();
    for i in 0..n {
        let o = k.update(&bar(i));
        for (out, v) in outs.iter_mut().zip(o) {
            out.push(v);
        }
    }
    outs
}

macro_rules! declare {
    ($( $id:ident => $kernel:ty, $group:literal, [$($inp:ident),*], [$($param:expr),*], [$($out:literal),+]; )+) => {
        /// Any indicator's state machine (an enum, so streams need no boxing).
        #[derive(Debug, Clone)]
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, clippy::large_enum_variant)]
        pub(crate) enum AnyKernel { $($id($kernel)),+ }

        impl AnyKernel {
            #[inline]
            pub(crate) fn update(&mut self, b: &Bar) -> Out {
                match self { $(AnyKernel::$id(k) => k.update(b)),+ }
            }
        }

        static ENTRIES: &[Entry] = &[ $( Entry {
            name: stringify!($id),
            group: $group,
            inputs: &[$(Input::$inp),*],
            params: &[$($param),*],
            outputs: &[$($out),+],
            make: |p| AnyKernel::$id(<$kernel as Kernel>::new(p)),
            lookback: <$kernel as Kernel>::lookback,
            batch: run::<$kernel>,
            collect: collect::<$kernel>,
        } ),+ ];
    };
}

declare! {
    SMA => SmaK, "Overlap Studies", [Close], [period("timeperiod", 30.0, 1.0)], ["real"];
    EMA => EmaK, "Overlap Studies", [Close], [period("timeperiod", 30.0, 1.0)], ["real"];
    WMA => WmaK, "Overlap Studies", [Close], [period("timeperiod", 30.0, 1.0)], ["real"];
    DEMA => DemaK, "Overlap Studies", [Close], [period("timeperiod", 30.0, 1.0)], ["real"];
    TEMA => TemaK, "Overlap Studies", [Close], [period("timeperiod", 30.0, 1.0)], ["real"];
    TRIMA => TrimaK, "Overlap Studies", [Close], [period("timeperiod", 30.0, 1.0)], ["real"];
    KAMA => KamaK, "Overlap Studies", [Close], [period("timeperiod", 30.0, 1.0)], ["real"];
    T3 => T3K, "Overlap Studies", [Close],
        [period("timeperiod", 5.0, 1.0), real("vfactor", 0.7, 0.0, 1.0)], ["real"];
    BBANDS => BbandsK, "Overlap Studies", [Close],
        [period("timeperiod", 20.0, 2.0), real("nbdevup", 2.0, -REAL_MAX, REAL_MAX),
         real("nbdevdn", 2.0, -REAL_MAX, REAL_MAX), matype("matype", 0.0)],
        ["upperband", "middleband", "lowerband"];
    SAR => SarK, "Overlap Studies", [High, Low],
        [real("acceleration", 0.02, 0.0, REAL_MAX), real("maximum", 0.2, 0.0, REAL_MAX)], ["real"];
    MIDPRICE => MidPriceK, "Overlap Studies", [High, Low], [period("timeperiod", 14.0, 2.0)], ["real"];
    RSI => RsiK, "Momentum Indicators", [Close], [period("timeperiod", 14.0, 2.0)], ["real"];
    MACD => MacdK, "Momentum Indicators", [Close],
        [period("fastperiod", 12.0, 2.0), period("slowperiod", 26.0, 2.0), period("signalperiod", 9.0, 1.0)],
        ["macd", "macdsignal", "macdhist"];
    STOCH => StochK, "Momentum Indicators", [High, Low, Close],
        [period("fastk_period", 5.0, 1.0), period("slowk_period", 3.0, 1.0), matype("slowk_matype", 0.0),
         period("slowd_period", 3.0, 1.0), matype("slowd_matype", 0.0)],
        ["slowk", "slowd"];
    STOCHF => StochFK, "Momentum Indicators", [High, Low, Close],
        [period("fastk_period", 5.0, 1.0), period("fastd_period", 3.0, 1.0), matype("fastd_matype", 0.0)],
        ["fastk", "fastd"];
    STOCHRSI => StochRsiK, "Momentum Indicators", [Close],
        [period("timeperiod", 14.0, 2.0), period("fastk_period", 5.0, 1.0), period("fastd_period", 3.0, 1.0),
         matype("fastd_matype", 0.0)],
        ["fastk", "fastd"];
    WILLR => WillrK, "Momentum Indicators", [High, Low, Close], [period("timeperiod", 14.0, 2.0)], ["real"];
    CCI => CciK, "Momentum Indicators", [High, Low, Close], [period("timeperiod", 14.0, 2.0)], ["real"];
    MOM => MomK, "Momentum Indicators", [Close], [period("timeperiod", 10.0, 1.0)], ["real"];
    ROC => RocK, "Momentum Indicators", [Close], [period("timeperiod", 10.0, 1.0)], ["real"];
    ADX => AdxK, "Momentum Indicators", [High, Low, Close], [period("timeperiod", 14.0, 2.0)], ["real"];
    ADXR => AdxrK, "Momentum Indicators", [High, Low, Close], [period("timeperiod", 14.0, 2.0)], ["real"];
    PLUS_DI => PlusDiK, "Momentum Indicators", [High, Low, Close], [period("timeperiod", 14.0, 1.0)], ["real"];
    MINUS_DI => MinusDiK, "Momentum Indicators", [High, Low, Close], [period("timeperiod", 14.0, 1.0)], ["real"];
    AROON => AroonK, "Momentum Indicators", [High, Low], [period("timeperiod", 14.0, 2.0)],
        ["aroondown", "aroonup"];
    AROONOSC => AroonOscK, "Momentum Indicators", [High, Low], [period("timeperiod", 14.0, 2.0)], ["real"];
    MFI => MfiK, "Momentum Indicators", [High, Low, Close, Volume], [period("timeperiod", 14.0, 2.0)], ["real"];
    ULTOSC => UltOscK, "Momentum Indicators", [High, Low, Close],
        [period("timeperiod1", 7.0, 1.0), period("timeperiod2", 14.0, 1.0), period("timeperiod3", 28.0, 1.0)],
        ["real"];
    CMO => CmoK, "Momentum Indicators", [Close], [period("timeperiod", 14.0, 2.0)], ["real"];
    TRIX => TrixK, "Momentum Indicators", [Close], [period("timeperiod", 30.0, 1.0)], ["real"];
    PPO => PpoK, "Momentum Indicators", [Close],
        [period("fastperiod", 12.0, 2.0), period("slowperiod", 26.0, 2.0), matype("matype", 1.0)], ["real"];
    APO => ApoK, "Momentum Indicators", [Close],
        [period("fastperiod", 12.0, 2.0), period("slowperiod", 26.0, 2.0), matype("matype", 1.0)], ["real"];
    BOP => BopK, "Momentum Indicators", [Open, High, Low, Close], [], ["real"];
    ATR => AtrK, "Volatility Indicators", [High, Low, Close], [period("timeperiod", 14.0, 1.0)], ["real"];
    NATR => NatrK, "Volatility Indicators", [High, Low, Close], [period("timeperiod", 14.0, 1.0)], ["real"];
    TRANGE => TRangeK, "Volatility Indicators", [High, Low, Close], [], ["real"];
    OBV => ObvK, "Volume Indicators", [Close, Volume], [], ["real"];
    AD => AdK, "Volume Indicators", [High, Low, Close, Volume], [], ["real"];
    ADOSC => AdOscK, "Volume Indicators", [High, Low, Close, Volume],
        [period("fastperiod", 3.0, 2.0), period("slowperiod", 10.0, 2.0)], ["real"];
    STDDEV => StdDevK, "Statistic Functions", [Close],
        [period("timeperiod", 5.0, 2.0), real("nbdev", 1.0, -REAL_MAX, REAL_MAX)], ["real"];
    LINEARREG => LinRegK, "Statistic Functions", [Close], [period("timeperiod", 14.0, 2.0)], ["real"];
    LINEARREG_SLOPE => LinRegSlopeK, "Statistic Functions", [Close], [period("timeperiod", 14.0, 2.0)], ["real"];

    // ---- overlap studies and cycles (overlap.rs, cycle.rs) ----
    ACCBANDS => AccBandsK, "Overlap Studies", [High, Low, Close], [period("timeperiod", 20.0, 2.0)],
        ["upperband", "middleband", "lowerband"];
    DONCHIAN => DonchianK, "Overlap Studies", [High, Low], [period("timeperiod", 20.0, 2.0)],
        ["upperband", "middleband", "lowerband"];
    HMA => HmaK, "Overlap Studies", [Close], [period("timeperiod", 20.0, 1.0)], ["real"];
    HT_DCPERIOD => HtDcPeriodK, "Cycle Indicators", [Close], [], ["real"];
    HT_DCPHASE => HtDcPhaseK, "Cycle Indicators", [Close], [], ["real"];
    HT_PHASOR => HtPhasorK, "Cycle Indicators", [Close], [], ["inphase", "quadrature"];
    HT_SINE => HtSineK, "Cycle Indicators", [Close], [], ["sine", "leadsine"];
    HT_TRENDLINE => HtTrendlineK, "Overlap Studies", [Close], [], ["real"];
    HT_TRENDMODE => HtTrendModeK, "Cycle Indicators", [Close], [], ["integer"];
    KC => KcK, "Overlap Studies", [High, Low, Close],
        [period("timeperiod", 20.0, 2.0), period("atrperiod", 10.0, 1.0), real("nbdev", 2.0, -REAL_MAX, REAL_MAX)],
        ["upperband", "middleband", "lowerband"];
    MA => MaK, "Overlap Studies", [Close], [period("timeperiod", 30.0, 1.0), matype("matype", 0.0)], ["real"];
    MACDEXT => MacdExtK, "Momentum Indicators", [Close],
        [period("fastperiod", 12.0, 2.0), matype("fastmatype", 0.0), period("slowperiod", 26.0, 2.0),
         matype("slowmatype", 0.0), period("signalperiod", 9.0, 1.0), matype("signalmatype", 0.0)],
        ["macd", "macdsignal", "macdhist"];
    MACDFIX => MacdFixK, "Momentum Indicators", [Close], [period("signalperiod", 9.0, 1.0)],
        ["macd", "macdsignal", "macdhist"];
    MAMA => MamaK, "Overlap Studies", [Close],
        [real("fastlimit", 0.5, 0.01, 0.99), real("slowlimit", 0.05, 0.01, 0.99)], ["mama", "fama"];
    MAVP => MavpK, "Overlap Studies", [Close, Periods],
        [period("minperiod", 2.0, 1.0), period("maxperiod", 30.0, 1.0), matype("matype", 0.0)], ["real"];
    MIDPOINT => MidpointK, "Overlap Studies", [Close], [period("timeperiod", 14.0, 2.0)], ["real"];
    RMA => RmaK, "Overlap Studies", [Close], [period("timeperiod", 30.0, 1.0)], ["real"];
    SAREXT => SarExtK, "Overlap Studies", [High, Low],
        [real("startvalue", 0.0, -REAL_MAX, REAL_MAX), real("offsetonreverse", 0.0, 0.0, REAL_MAX),
         real("accelerationinitlong", 0.02, 0.0, REAL_MAX), real("accelerationlong", 0.02, 0.0, REAL_MAX),
         real("accelerationmaxlong", 0.2, 0.0, REAL_MAX), real("accelerationinitshort", 0.02, 0.0, REAL_MAX),
         real("accelerationshort", 0.02, 0.0, REAL_MAX), real("accelerationmaxshort", 0.2, 0.0, REAL_MAX)],
        ["real"];
    SUPERTREND => SuperTrendK, "Overlap Studies", [High, Low, Close],
        [period("timeperiod", 10.0, 2.0), real("multiplier", 3.0, 0.0, REAL_MAX)], ["supertrend", "trend"];
    VWMA => VwmaK, "Overlap Studies", [Close, Volume], [period("timeperiod", 30.0, 1.0)], ["real"];
    ZLEMA => ZlemaK, "Overlap Studies", [Close], [period("timeperiod", 30.0, 1.0)], ["real"];

    // ---- end of overlap studies and cycles ----

    // ---- candlestick patterns (candles.rs) ----
    CDL2CROWS => CdlK<TwoCrows>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDL3BLACKCROWS => CdlK<ThreeBlackCrows>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDL3INSIDE => CdlK<ThreeInside>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDL3LINESTRIKE => CdlK<ThreeLineStrike>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDL3OUTSIDE => CdlK<ThreeOutside>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDL3STARSINSOUTH => CdlK<ThreeStarsInSouth>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDL3WHITESOLDIERS => CdlK<ThreeWhiteSoldiers>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLABANDONEDBABY => CdlK<AbandonedBaby>, "Pattern Recognition", [Open, High, Low, Close], [real("penetration", 0.3, 0.0, REAL_MAX)], ["integer"];
    CDLADVANCEBLOCK => CdlK<AdvanceBlock>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLBELTHOLD => CdlK<BeltHold>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLBREAKAWAY => CdlK<Breakaway>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLCLOSINGMARUBOZU => CdlK<ClosingMarubozu>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLCONCEALBABYSWALL => CdlK<ConcealBabysWall>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLCOUNTERATTACK => CdlK<Counterattack>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLDARKCLOUDCOVER => CdlK<DarkCloudCover>, "Pattern Recognition", [Open, High, Low, Close], [real("penetration", 0.5, 0.0, REAL_MAX)], ["integer"];
    CDLDOJI => CdlK<Doji>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLDOJISTAR => CdlK<DojiStar>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLDRAGONFLYDOJI => CdlK<DragonflyDoji>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLENGULFING => CdlK<Engulfing>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLEVENINGDOJISTAR => CdlK<EveningDojiStar>, "Pattern Recognition", [Open, High, Low, Close], [real("penetration", 0.3, 0.0, REAL_MAX)], ["integer"];
    CDLEVENINGSTAR => CdlK<EveningStar>, "Pattern Recognition", [Open, High, Low, Close], [real("penetration", 0.3, 0.0, REAL_MAX)], ["integer"];
    CDLGAPSIDESIDEWHITE => CdlK<GapSideSideWhite>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLGRAVESTONEDOJI => CdlK<GravestoneDoji>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLHAMMER => CdlK<Hammer>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLHANGINGMAN => CdlK<HangingMan>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLHARAMI => CdlK<Harami>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLHARAMICROSS => CdlK<HaramiCross>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLHIGHWAVE => CdlK<HighWave>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLHIKKAKE => CdlK<Hikkake>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLHIKKAKEMOD => CdlK<HikkakeMod>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLHOMINGPIGEON => CdlK<HomingPigeon>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLIDENTICAL3CROWS => CdlK<Identical3Crows>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLINNECK => CdlK<InNeck>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLINVERTEDHAMMER => CdlK<InvertedHammer>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLKICKING => CdlK<Kicking>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLKICKINGBYLENGTH => CdlK<KickingByLength>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLLADDERBOTTOM => CdlK<LadderBottom>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLLONGLEGGEDDOJI => CdlK<LongLeggedDoji>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLLONGLINE => CdlK<LongLine>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLMARUBOZU => CdlK<Marubozu>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLMATCHINGLOW => CdlK<MatchingLow>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLMATHOLD => CdlK<MatHold>, "Pattern Recognition", [Open, High, Low, Close], [real("penetration", 0.5, 0.0, REAL_MAX)], ["integer"];
    CDLMORNINGDOJISTAR => CdlK<MorningDojiStar>, "Pattern Recognition", [Open, High, Low, Close], [real("penetration", 0.3, 0.0, REAL_MAX)], ["integer"];
    CDLMORNINGSTAR => CdlK<MorningStar>, "Pattern Recognition", [Open, High, Low, Close], [real("penetration", 0.3, 0.0, REAL_MAX)], ["integer"];
    CDLONNECK => CdlK<OnNeck>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLPIERCING => CdlK<Piercing>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLRICKSHAWMAN => CdlK<Rickshawman>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLRISEFALL3METHODS => CdlK<RiseFall3Methods>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLSEPARATINGLINES => CdlK<SeparatingLines>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLSHOOTINGSTAR => CdlK<ShootingStar>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLSHORTLINE => CdlK<ShortLine>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLSPINNINGTOP => CdlK<SpinningTop>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLSTALLEDPATTERN => CdlK<StalledPattern>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLSTICKSANDWICH => CdlK<StickSandwich>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLTAKURI => CdlK<Takuri>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLTASUKIGAP => CdlK<TasukiGap>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLTHRUSTING => CdlK<Thrusting>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLTRISTAR => CdlK<Tristar>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLUNIQUE3RIVER => CdlK<Unique3River>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLUPSIDEGAP2CROWS => CdlK<UpsideGap2Crows>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];
    CDLXSIDEGAP3METHODS => CdlK<XSideGap3Methods>, "Pattern Recognition", [Open, High, Low, Close], [], ["integer"];

    // ---- end of candlestick patterns ----

    // ---- math, price transforms, statistics (math.rs) ----
    ACOS => AcosK, "Math Transform", [Close], [], ["real"];
    ASIN => AsinK, "Math Transform", [Close], [], ["real"];
    ATAN => AtanK, "Math Transform", [Close], [], ["real"];
    CEIL => CeilK, "Math Transform", [Close], [], ["real"];
    COS => CosK, "Math Transform", [Close], [], ["real"];
    COSH => CoshK, "Math Transform", [Close], [], ["real"];
    EXP => ExpK, "Math Transform", [Close], [], ["real"];
    FLOOR => FloorK, "Math Transform", [Close], [], ["real"];
    LN => LnK, "Math Transform", [Close], [], ["real"];
    LOG10 => Log10K, "Math Transform", [Close], [], ["real"];
    SIN => SinK, "Math Transform", [Close], [], ["real"];
    SINH => SinhK, "Math Transform", [Close], [], ["real"];
    SQRT => SqrtK, "Math Transform", [Close], [], ["real"];
    TAN => TanK, "Math Transform", [Close], [], ["real"];
    TANH => TanhK, "Math Transform", [Close], [], ["real"];
    ADD => AddK, "Math Operators", [High, Low], [], ["real"];
    SUB => SubK, "Math Operators", [High, Low], [], ["real"];
    MULT => MultK, "Math Operators", [High, Low], [], ["real"];
    DIV => DivK, "Math Operators", [High, Low], [], ["real"];
    CUMSUM => CumSumK, "Math Operators", [Close], [], ["real"];
    SUM => SumK, "Math Operators", [Close], [period("timeperiod", 30.0, 2.0)], ["real"];
    MAX => MaxK, "Math Operators", [Close], [period("timeperiod", 30.0, 2.0)], ["real"];
    MIN => MinK, "Math Operators", [Close], [period("timeperiod", 30.0, 2.0)], ["real"];
    MINMAX => MinMaxK, "Math Operators", [Close], [period("timeperiod", 30.0, 2.0)], ["min", "max"];
    MAXINDEX => MaxIndexK, "Math Operators", [Close], [period("timeperiod", 30.0, 2.0)], ["integer"];
    MININDEX => MinIndexK, "Math Operators", [Close], [period("timeperiod", 30.0, 2.0)], ["integer"];
    MINMAXINDEX => MinMaxIndexK, "Math Operators", [Close], [period("timeperiod", 30.0, 2.0)],
        ["minidx", "maxidx"];
    AVGPRICE => AvgPriceK, "Price Transform", [Open, High, Low, Close], [], ["real"];
    MEDPRICE => MedPriceK, "Price Transform", [High, Low], [], ["real"];
    TYPPRICE => TypPriceK, "Price Transform", [High, Low, Close], [], ["real"];
    WCLPRICE => WclPriceK, "Price Transform", [High, Low, Close], [], ["real"];
    AVGDEV => AvgDevK, "Price Transform", [Close], [period("timeperiod", 14.0, 2.0)], ["real"];
    HA => HaK, "Price Transform", [Open, High, Low, Close], [], ["haopen", "hahigh", "halow", "haclose"];
    VAR => VarK, "Statistic Functions", [Close],
        [period("timeperiod", 5.0, 1.0), real("nbdev", 1.0, -REAL_MAX, REAL_MAX)], ["real"];
    BETA => BetaK, "Statistic Functions", [High, Low], [period("timeperiod", 5.0, 1.0)], ["real"];
    CORREL => CorrelK, "Statistic Functions", [High, Low], [period("timeperiod", 30.0, 1.0)], ["real"];
    LINEARREG_ANGLE => LinRegAngleK, "Statistic Functions", [Close], [period("timeperiod", 14.0, 2.0)], ["real"];
    LINEARREG_INTERCEPT => LinRegInterceptK, "Statistic Functions", [Close],
        [period("timeperiod", 14.0, 2.0)], ["real"];
    TSF => TsfK, "Statistic Functions", [Close], [period("timeperiod", 14.0, 2.0)], ["real"];
    PERCENTILE => PercentileK, "Statistic Functions", [Close],
        [period("timeperiod", 30.0, 2.0), real("percentile", 50.0, 0.0, 100.0)], ["real"];
    PERCENTRANK => PercentRankK, "Statistic Functions", [Close], [period("timeperiod", 100.0, 2.0)], ["real"];

    // ---- end of math, price transforms, statistics ----

    // ---- momentum, volume, volatility additions (extra.rs) ----
    AC => AcK, "Momentum Indicators", [High, Low],
        [period("fastperiod", 5.0, 2.0), period("slowperiod", 34.0, 2.0), period("signalperiod", 5.0, 2.0)],
        ["real"];
    ADR => AdrK, "Volatility Indicators", [High, Low], [period("timeperiod", 14.0, 1.0)], ["real"];
    AO => AoK, "Momentum Indicators", [High, Low],
        [period("fastperiod", 5.0, 2.0), period("slowperiod", 34.0, 2.0)], ["real"];
    CMF => CmfK, "Volume Indicators", [High, Low, Close, Volume], [period("timeperiod", 20.0, 2.0)], ["real"];
    CMOU => CmouK, "Momentum Indicators", [Close], [period("timeperiod", 14.0, 2.0)], ["real"];
    COPPOCK => CoppockK, "Momentum Indicators", [Close],
        [period("wmaperiod", 10.0, 1.0), period("roc1period", 11.0, 1.0), period("roc2period", 14.0, 1.0)],
        ["real"];
    CVI => CviK, "Volatility Indicators", [High, Low],
        [period("timeperiod", 10.0, 2.0), period("rocperiod", 10.0, 1.0)], ["real"];
    DPO => DpoK, "Momentum Indicators", [Close], [period("timeperiod", 20.0, 2.0)], ["real"];
    DX => DxK, "Momentum Indicators", [High, Low, Close], [period("timeperiod", 14.0, 2.0)], ["real"];
    EFI => EfiK, "Volume Indicators", [Close, Volume], [period("timeperiod", 13.0, 1.0)], ["real"];
    ER => ErK, "Momentum Indicators", [Close], [period("timeperiod", 10.0, 2.0)], ["real"];
    ERI => EriK, "Momentum Indicators", [High, Low, Close], [period("timeperiod", 13.0, 1.0)],
        ["bullpower", "bearpower"];
    FOSC => FoscK, "Momentum Indicators", [Close], [period("timeperiod", 5.0, 2.0)], ["real"];
    FRACTAL => FractalK, "Momentum Indicators", [High, Low],
        [period("leftbars", 2.0, 1.0), period("rightbars", 2.0, 1.0)], ["swinghigh", "swinglow"];
    IMI => ImiK, "Momentum Indicators", [Open, Close], [period("timeperiod", 14.0, 2.0)], ["real"];
    KDJ => KdjK, "Momentum Indicators", [High, Low, Close],
        [period("fastk_period", 9.0, 1.0), period("slowk_period", 3.0, 1.0), matype("slowk_matype", 13.0),
         period("slowd_period", 3.0, 1.0), matype("slowd_matype", 13.0)],
        ["k", "d", "j"];
    MARKETFI => MarketFiK, "Volume Indicators", [High, Low, Volume], [], ["real"];
    MASSI => MassiK, "Volatility Indicators", [High, Low],
        [period("fastperiod", 9.0, 2.0), period("slowperiod", 25.0, 2.0)], ["real"];
    MINUS_DM => MinusDmK, "Momentum Indicators", [High, Low], [period("timeperiod", 14.0, 1.0)], ["real"];
    NVI => NviK, "Volume Indicators", [Close, Volume], [], ["real"];
    PLUS_DM => PlusDmK, "Momentum Indicators", [High, Low], [period("timeperiod", 14.0, 1.0)], ["real"];
    PVI => PviK, "Volume Indicators", [Close, Volume], [], ["real"];
    PVO => PvoK, "Volume Indicators", [Volume],
        [period("fastperiod", 12.0, 2.0), period("slowperiod", 26.0, 2.0), matype("matype", 1.0)], ["real"];
    PVT => PvtK, "Volume Indicators", [Close, Volume], [], ["real"];
    QSTICK => QstickK, "Momentum Indicators", [Open, Close], [period("timeperiod", 10.0, 1.0)], ["real"];
    ROCP => RocpK, "Momentum Indicators", [Close], [period("timeperiod", 10.0, 1.0)], ["real"];
    ROCR => RocrK, "Momentum Indicators", [Close], [period("timeperiod", 10.0, 1.0)], ["real"];
    ROCR100 => Rocr100K, "Momentum Indicators", [Close], [period("timeperiod", 10.0, 1.0)], ["real"];
    RVI => RviK, "Volatility Indicators", [Close],
        [period("timeperiod", 14.0, 1.0), period("stddevperiod", 10.0, 2.0)], ["real"];
    RVOL => RvolK, "Volume Indicators", [Volume], [period("timeperiod", 20.0, 1.0)], ["real"];
    SMI => SmiK, "Momentum Indicators", [High, Low, Close],
        [period("timeperiod", 13.0, 2.0), period("fastperiod", 2.0, 2.0), period("slowperiod", 25.0, 2.0),
         period("signalperiod", 9.0, 2.0)],
        ["smi", "smisignal"];
    TSI => TsiK, "Momentum Indicators", [Close],
        [period("firstperiod", 25.0, 2.0), period("secondperiod", 13.0, 2.0)], ["real"];
    VHF => VhfK, "Momentum Indicators", [Close], [period("timeperiod", 28.0, 2.0)], ["real"];
    VORTEX => VortexK, "Momentum Indicators", [High, Low, Close], [period("timeperiod", 14.0, 1.0)],
        ["plusvi", "minusvi"];
    VWAP => VwapK, "Volume Indicators", [High, Low, Close, Volume], [], ["real"];
    WAD => WadK, "Momentum Indicators", [High, Low, Close], [], ["real"];

    // ---- end of momentum, volume, volatility additions ----
}
