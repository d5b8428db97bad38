package report

import (
	"fmt"
	"sort"
	"strings"
)

// The languages of the reports and charts (Options.Lang).
const (
	LangEnglish  = "en"
	LangJapanese = "ja"
)

// Langs lists the languages a report can be written in.
func Langs() []string { return []string{LangEnglish, LangJapanese} }

// CheckLang returns an error naming lang and the languages allowed, or nil.
func CheckLang(lang string) error {
	if _, ok := messages[lang]; !ok {
		return fmt.Errorf("lang %q: want %s", lang, strings.Join(Langs(), " or "))
	}
	return nil
}

// messages are the words of the reports and charts, per language. Every
// language has every key (a test checks).
var messages = map[string]map[string]string{
	LangEnglish: {
		"loss.title":      "training loss (solid) and test loss (dashed, at each epoch's end)",
		"loss.title1":     "loss",
		"loss.smoothed":   "training loss, smoothed (exponential moving average, weight %g), and test loss (dashed)",
		"loss.smoothed1":  "loss (training loss smoothed: exponential moving average, weight %g)",
		"loss.x":          "step",
		"loss.y":          "cross-entropy loss",
		"train":           "train",
		"train.smoothed":  "train (smoothed)",
		"test":            "test",
		"acc.title":       "test accuracy",
		"acc.x":           "epoch",
		"acc.y":           "accuracy (%)",
		"col.run":         "run",
		"col.acc":         "test accuracy",
		"col.testloss":    "test loss",
		"col.trainloss":   "train loss",
		"col.steps":       "steps (epochs)",
		"col.seconds":     "seconds",
		"col.spe":         "s/epoch",
		"col.eps":         "examples/s",
		"col.model":       "model",
		"col.opt":         "optimizer (every hyperparameter)",
		"col.batch":       "batch",
		"col.schedule":    "schedule",
		"col.flags":       "flags",
		"diverged":        "diverged at step %d",
		"legend.diverged": "%s (diverged at step %d)",
		"seconds.note":    "Seconds are training time, test evaluation excluded.",
		"runs.heading":    "What each run trained",
		"setup.data":      "Data: %s (%d training, %d test examples), seed %d, GOMAXPROCS %d.",
		"setup.model":     "Model %s (%d parameters).",
		"setup.batch":     "Batch %s, %s.",
		"setup.schedule":  "Schedule %s.",
		"setup.clip":      "Clipping %s.",
		"setup.same":      "Every run sees the same batches in the same order; runs whose models have the same shape and initialisation start from the same weights.",
		"steps":           "%d steps (%s epochs)",
		"steps1":          "%d steps (%s epoch)",
		"stepsonly":       "%d steps",
		"smooth.note":     "Training loss smoothed in the chart: exponential moving average s_t = w·s_{t−1} + (1−w)·loss_t, s_0 = 0, divided by 1 − w^t (w = %g); steps.csv has the raw and the smoothed values.",
		"chart.alt.loss":  "training and test loss against the step",
		"chart.alt.acc":   "test accuracy against the epoch",
		"html.lang":       "en",
		"sentence.sep":    " ",
		"full":            "full",
		"varies":          "per run (below)",
	},
	LangJapanese: {
		"loss.title":      "訓練損失（実線）とテスト損失（破線、各エポックの終わり）",
		"loss.title1":     "損失",
		"loss.smoothed":   "訓練損失（平滑化：指数移動平均、重み %g）とテスト損失（破線）",
		"loss.smoothed1":  "損失（訓練損失は平滑化：指数移動平均、重み %g）",
		"loss.x":          "ステップ",
		"loss.y":          "交差エントロピー損失",
		"train":           "訓練",
		"train.smoothed":  "訓練（平滑化）",
		"test":            "テスト",
		"acc.title":       "テスト正解率",
		"acc.x":           "エポック",
		"acc.y":           "正解率（%）",
		"col.run":         "実行",
		"col.acc":         "テスト正解率",
		"col.testloss":    "テスト損失",
		"col.trainloss":   "訓練損失",
		"col.steps":       "ステップ（エポック）",
		"col.seconds":     "秒",
		"col.spe":         "秒/エポック",
		"col.eps":         "例/秒",
		"col.model":       "モデル",
		"col.opt":         "最適化手法（全ハイパーパラメータ）",
		"col.batch":       "バッチ",
		"col.schedule":    "学習率スケジュール",
		"col.flags":       "フラグ",
		"diverged":        "ステップ %d で発散",
		"legend.diverged": "%s（ステップ %d で発散）",
		"seconds.note":    "秒は訓練の時間で、テストの評価を含みません。",
		"runs.heading":    "各実行の設定",
		"setup.data":      "データ：%s（訓練 %d 例、テスト %d 例）、シード %d、GOMAXPROCS %d。",
		"setup.model":     "モデル %s（パラメータ %d 個）。",
		"setup.batch":     "バッチ %s、%s。",
		"setup.schedule":  "学習率スケジュール %s。",
		"setup.clip":      "勾配クリッピング %s。",
		"setup.same":      "どの実行も同じバッチを同じ順に使います。モデルの形と初期化が同じ実行は同じ重みから始まります。",
		"steps":           "%d ステップ（%s エポック）",
		"steps1":          "%d ステップ（%s エポック）",
		"stepsonly":       "%d ステップ",
		"smooth.note":     "グラフの訓練損失は平滑化しています：指数移動平均 s_t = w·s_{t−1} + (1−w)·loss_t、s_0 = 0 を 1 − w^t で割ったもの（w = %g）。steps.csv に生の値と平滑化した値があります。",
		"chart.alt.loss":  "ステップごとの訓練損失とテスト損失",
		"chart.alt.acc":   "エポックごとのテスト正解率",
		"html.lang":       "ja",
		"sentence.sep":    "",
		"full":            "全データ",
		"varies":          "実行ごと（下表）",
	},
}

// msg returns the message key in lang (English if lang has none), with
// args formatted into it when given.
func msg(lang, key string, args ...any) string {
	m, ok := messages[lang][key]
	if !ok {
		m, ok = messages[LangEnglish][key]
	}
	if !ok {
		panic("report: no message " + key) // a typo in this package
	}
	if len(args) > 0 {
		return fmt.Sprintf(m, args...)
	}
	return m
}

// messageKeys returns the keys of a language's messages, sorted.
func messageKeys(lang string) []string {
	var keys []string
	for k := range messages[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
