package explain

import (
	"strings"

	"github.com/descentlab/descent/optim"
)

// jaKeyDoc is the Japanese description of each hyperparameter key that
// optim.Options returns; optim's Doc is the English one. A key whose
// meaning depends on the method has an entry "method.key" in jaKeyDocOf
// too. A test checks that every key of every method has a description.
var jaKeyDoc = map[string]string{
	"lr":                        "学習率 η",
	"momentum":                  "モーメンタム係数 μ",
	"dampening":                 "モーメンタムのバッファに加える勾配を (1 − dampening) 倍に弱める係数",
	"weight_decay":              "重み減衰（L2 正則化）：勾配に weight_decay·w を加える",
	"nesterov":                  "ネステロフのモーメンタム（Nesterov momentum）を使う",
	"maximize":                  "目的関数を最小化せずに最大化する（勾配の符号を反転する）",
	"variant":                   "torch（本来の手法）か note（学習ノートのコード）",
	"lr_decay":                  "学習率の減衰：lr/(1+(t−1)·lr_decay)",
	"initial_accumulator_value": "勾配の二乗和 h の初期値 h₀",
	"eps":                       "ゼロ除算を防ぐために分母に加える小さな値 ε",
	"alpha":                     "勾配の二乗の指数移動平均の平滑化係数 α（ノートの式でも α、コードでは rho）",
	"centered":                  "勾配の分散の推定値で割る（centered RMSProp）",
	"beta1":                     "一次モーメント（勾配の平均）の指数移動平均の減衰率 β₁",
	"beta2":                     "二次モーメント（勾配の二乗の平均）の指数移動平均の減衰率 β₂",
	"amsgrad":                   "過去の二次モーメントの最大値を使う（AMSGrad）",
	"momentum_decay":            "モーメンタムのスケジュール μₜ = β₁(1 − ½·0.96^(tψ)) の減衰 ψ",
	"rho":                       "勾配の二乗と更新量の二乗、二つの指数移動平均の減衰率 ρ",
	"decoupled_weight_decay":    "weight_decay を AdamW と同じ分離型にする：勾配に足さず、w ← w·(1 − lr·weight_decay) で重みを直接縮める",
	"etaminus":                  "勾配の符号が反転したとき、その要素の歩幅を縮める係数 η₋",
	"etaplus":                   "勾配の符号が変わらないあいだ、その要素の歩幅を伸ばす係数 η₊",
	"step_size_min":             "歩幅の下限",
	"step_size_max":             "歩幅の上限",
	"lambd":                     "減衰項 λ：w ← w·(1 − λη) と ηₜ = lr/(1 + λ·lr·t)^α",
	"t0":                        "重みの平均 ax を取り始めるステップ（μₜ = 1/max(1, t − t0)）",
	"max_iter":                  "1 回の Step で行う反復の最大回数",
	"max_eval":                  "1 回の Step で損失を計算する回数の上限（デフォルトは max_iter·5/4）",
	"tolerance_grad":            "勾配の成分の絶対値の最大がこれ以下になったら止める",
	"tolerance_change":          "ステップや損失の変化がこれより小さくなったら止める",
	"history_size":              "保持する過去の組（ステップ、勾配の変化）の数",
	"line_search_fn":            "none（歩幅は lr のまま）か strong_wolfe（強 Wolfe 条件の直線探索）",
	"beta2_decay":               "β₂ の減衰 τ：二次モーメントを重み t^τ で平均する",
	"eps1":                      "ε₁：分散の推定値の平方根の下限（eps1_dtype=false のとき使う）",
	"eps1_dtype":                "ε₁ に要素の型の計算機イプシロンを使う（torch の eps=(None, …)）",
	"eps2":                      "ε₂：ステップの大きさを決める重みのスケールの下限",
	"d":                         "切り詰めのしきい値：更新量の RMS を d 以下にする",
	"k":                         "遅い重みと同期するまでに内側のオプティマイザが進むステップ数",
	"warmup_steps":              "学習率を線形に増やすウォームアップのステップ数",
	"r":                         "平均の多項式の重み (k+1)^r の指数 r",
	"weight_lr_power":           "平均でステップごとに lr_max^weight_lr_power の重みを付ける",
	"decay_at_z":                "重み減衰を y ではなく z で計算する",
	"ns_a":                      "ニュートン–シュルツ反復 X ← aX + (bA + cA²)X の係数 a（ns_coefficients[0]）",
	"ns_b":                      "ニュートン–シュルツ反復の係数 b（ns_coefficients[1]）",
	"ns_c":                      "ニュートン–シュルツ反復の係数 c（ns_coefficients[2]）",
	"ns_steps":                  "ニュートン–シュルツ反復の回数",
	"adjust_lr_fn":              "行列の形 A×B による lr の倍率：original は √max(1, A/B)、match_rms_adamw は 0.2·√max(A, B)",
	"ns_dtype":                  "ニュートン–シュルツ反復の型：bfloat16（torch と同じ）か param（パラメータ自身の型）",
	"clamp_value":               "信頼比に使う重みのノルムの上限：φ(‖w‖) = min(‖w‖, clamp_value)",
	"bias_correction":           "モーメントを 1 − β₁ᵗ、1 − β₂ᵗ で割る（論文どおり）。false は pytorch-lamb と同じ",
	"pullback_momentum":         "同期のときに内側のモーメンタムのバッファをどうするか：none（そのまま）、reset（0 に戻す）、pullback（重みと同じく補間する）",
}

// jaKeyDocOf holds the Japanese descriptions that differ by method.
var jaKeyDocOf = map[string]string{
	"rmsprop.momentum":       "モーメンタム係数 μ（0 ならモーメンタムなし）",
	"momentum.momentum":      "モーメンタム係数 μ（ノートの「慣性」μ）",
	"adamw.weight_decay":     "分離型の重み減衰：w ← w·(1 − lr·weight_decay) で重みを直接縮める",
	"lion.weight_decay":      "分離型の重み減衰：w ← w·(1 − lr·weight_decay) で重みを直接縮める",
	"momentum.variant":       "torch か note（学習ノートのコード）。この手法ではどちらも同じ",
	"adagrad.variant":        "torch か note（学習ノートのコード）。この手法ではどちらも同じ",
	"rmsprop.variant":        "torch か note（学習ノートのコード）。この手法ではどちらも同じ",
	"adam.variant":           "torch（バイアス補正 1−βᵗ、ε は平方根の外）か note（ノートの 1−β と √(v̂+ε)）",
	"adamax.beta2":           "勾配の絶対値の減衰付き最大値 u の減衰率 β₂",
	"lion.beta1":             "更新方向を決める補間係数 β₁（モーメンタムと今の勾配の混ぜ具合）",
	"lion.beta2":             "モーメンタム m の指数移動平均の減衰率 β₂",
	"adadelta.eps":           "平方根の中に加える小さな値 ε（最初の更新量の大きさも決める）",
	"rprop.lr":               "歩幅 s の初期値（そのあとは要素ごとに学習される）",
	"asgd.alpha":             "歩幅の減衰 ηₜ = lr/(1 + λ·lr·t)^α の指数 α",
	"lbfgs.lr":               "歩幅（直線探索では最初に試す歩幅）",
	"lookahead.alpha":        "同期のときの速い重みの割合 α：w ← α·w + (1−α)·slow",
	"sf_adamw.beta1":         "平均 x と反復 z の補間係数：y = β₁·x + (1 − β₁)·z",
	"sf_adamw.weight_decay":  "分離型の重み減衰：z ← z − lr·weight_decay·y",
	"sf_sgd.momentum":        "平均 x と反復 z の補間係数 μ：y = μ·x + (1 − μ)·z",
	"sf_sgd.weight_decay":    "L2 正則化：y での勾配に weight_decay·y を加える",
	"adafactor.lr":           "相対的な歩幅 ρₜ = min(lr, 1/√t) の上限（重み減衰の係数にも使う）",
	"adafactor.weight_decay": "分離型の重み減衰：w ← w·(1 − lr·weight_decay) で重みを直接縮める",
	"muon.weight_decay":      "分離型の重み減衰：w ← w·(1 − lr·weight_decay) で重みを直接縮める",
	"muon.momentum":          "モーメンタム係数 μ：B ← B + (1−μ)(g − B)",
	"muon.nesterov":          "バッファ B の代わりに g + μ(B − g) を直交化する（ネステロフ型）",
	"muon.eps":               "反復の前に更新量を割るノルムの下限 ε",
	"lamb.weight_decay":      "分離型の重み減衰 λ：信頼比の内側で、更新方向を r + λw にする",
}

// keyDoc is the one-line description of a hyperparameter in a language.
func keyDoc(method string, o optim.Option, lang string) string {
	if lang == "ja" {
		if s, ok := jaDoc(canonical(method), o.Key); ok {
			return s
		}
		return o.Doc
	}
	return o.Doc
}

func jaDoc(method, key string) (string, bool) {
	if s, ok := jaKeyDocOf[canonical(method)+"."+key]; ok {
		return s, true
	}
	s, ok := jaKeyDoc[key]
	return s, ok
}

// jaAllowedText translates optim.Option.Allowed, which is one of a few
// fixed phrases.
var jaAllowedText = map[string]string{
	"a finite number ≥ 0":   "0 以上の有限の数",
	"a finite number > 0":   "0 より大きい有限の数",
	"a number in [0, 1)":    "0 以上 1 未満の数",
	"a number in [0, 1]":    "0 以上 1 以下の数",
	"a finite number":       "有限の数",
	"a number in (0, 1)":    "0 より大きく 1 未満の数",
	"a finite number > 1":   "1 より大きい有限の数",
	"an integer ≥ 1":        "1 以上の整数",
	"a number ≤ 0":          "0 以下の数",
	"a finite number ≥ 1":   "1 以上の有限の数",
	"an integer in [0, 99]": "0 以上 99 以下の整数",
	"true or false":         "true または false",
}

func jaAllowed(s string) (string, bool) {
	if t, ok := jaAllowedText[s]; ok {
		return t, true
	}
	if rest, ok := strings.CutPrefix(s, "one of "); ok {
		return rest + " のいずれか", true
	}
	return s, false
}

func allowedText(s, lang string) string {
	if lang == "ja" {
		t, _ := jaAllowed(s)
		return t
	}
	return s
}
