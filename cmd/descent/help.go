package main

import (
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/descentlab/descent/explain"
	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/testfunc"
)

// langEnv names the environment variable that sets the default language of
// the help text and of the commands that write words (trace, gallery,
// explain, train, compare): en or ja.
const langEnv = "DESCENT_LANG"

// langOf is the language a command runs in: its --lang flag (or the
// root's) when given, else $DESCENT_LANG, else "" (English).
func langOf(c *cobra.Command) string {
	if f := c.Flags().Lookup("lang"); f != nil && f.Changed {
		return f.Value.String()
	}
	// "descent help trace --lang ja" sets the root's flag, through help.
	if f := c.Root().PersistentFlags().Lookup("lang"); f != nil && f.Changed {
		return f.Value.String()
	}
	return os.Getenv(langEnv)
}

// addLangHelp gives root a persistent --lang for the help text and shows
// the help in Japanese when the language (langOf) is ja: the commands'
// descriptions, the flags of trace, gallery and explain, and the headings.
func addLangHelp(root *cobra.Command) {
	root.PersistentFlags().String("lang", "", "language of the help and of the words a command writes: en or ja (default $"+langEnv+", else en)")
	// Known before the subcommand is looked up, so that "descent --help
	// --lang ja" does not read --lang as the value of --help.
	root.InitDefaultHelpFlag()
	help := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		if langOf(c) == "ja" {
			localize(root)
		}
		help(c, args)
	})
}

// pflagDefault matches the "(default X)" pflag appends to a flag's usage
// line.
var pflagDefault = regexp.MustCompile(`(?m) \(default (.*)\)$`)

// jaDefaults writes pflag's "(default X)" as "（デフォルト X）".
func jaDefaults(usages string) string {
	return pflagDefault.ReplaceAllString(usages, "（デフォルト $1）")
}

// localize puts the Japanese texts into every command of the tree.
func localize(root *cobra.Command) {
	cobra.AddTemplateFunc("jaDefaults", jaDefaults)
	root.SetUsageTemplate(jaUsage)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if t, ok := jaHelp[c.Name()]; ok {
			c.Short = t.short
			if t.long != "" {
				c.Long = t.long
			}
		}
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if u, ok := jaFlags[c.Name()+"."+f.Name]; ok {
					f.Usage = u
				} else if u, ok := jaFlags[f.Name]; ok {
					f.Usage = u
				}
			})
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}

type helpText struct{ short, long string }

// jaHelp holds the Japanese description of each command; a command without
// a long text keeps its English one.
var jaHelp = map[string]helpText{
	"descent": {"深層学習のオプティマイザを Go で。そのふるまいを見せる実験室つき", `descent は深層学習のオプティマイザ（gd, sgd, momentum, adagrad, rmsprop, adam ほか。
torch.optim と同じ結果）を、テスト関数と実データの上で動かします。
--lang ja か環境変数 DESCENT_LANG=ja で、ヘルプと trace・gallery・explain・train・compare の出力が日本語になります。
train と compare のレポートとグラフは --lang ja で日本語になります。`},
	"trace": {"2 次元のテスト関数でオプティマイザを動かし、道筋を CSV に書くか図にする", `trace は各オプティマイザを出発点から 2 次元のテスト関数の上で float64 で動かし、
CSV（見出し optimizer,step,x,y,loss。step 0 が出発点。オプティマイザごと・ステップごとに 1 行）
を標準出力に書きます。-o FILE なら拡張子で形式を選びます: .csv（同じ CSV）、.png か .svg
（等高線図と道筋）、.gif（道筋が 1 ステップずつ伸びるアニメーション）。--loss FILE
（.png か .svg）は損失のステップごとの推移も描きます。

--layout grid は手法ごとに 1 枚のパネル（同じ軸・同じ等高線）を並べます（本の図 6-8 のように）。
ステップが 60 以下なら各ステップに点を打ちます。GIF はステップ数を表示し、パネルを同時に進めます。
--lang ja は図が自分で書く言葉（始点、終点、最小点、ステップ、損失）を日本語にします。
--title には日本語も書けます。描けない文字があればその文字を挙げてエラーにします。

SPEC は NAME[:key=value,...]。NAME は
  ` + strings.Join(optim.Methods(), ", ") + `
または gonum の二次の比較手法 newton[:increase=F]、gonum_lbfgs[:history=M]、
Lookahead ラッパー lookahead[:k=K,alpha=A]/SPEC。キーは torch.optim と同じ名前で、
省略したキーは torch のデフォルトです（descent explain NAME に一覧があります）。
lr=auto（例: adam:lr=auto）は gallery と同じ学習率の探索を行い、試したグリッドと各 lr の
スコア、選んだ lr を標準エラー出力に書きます。
関数: ` + strings.Join(testfunc.Names(), ", ") + `。

有限の数でなくなった道筋は最後の有限の点で止まり、標準エラー出力に警告を書きます。
CSV の出力に図だけのフラグ（--title, --xlim, --ylim, --layout, --lang）を付けると警告します。`},
	"gallery": {"すべてのテスト関数で標準の比較を描く（PNG、GIF、index.html）", `gallery は学習ノートの手法（gd, momentum, adagrad, rmsprop, adam）と Newton 法を
すべてのテスト関数の上で標準の出発点から動かし、DIR に関数ごとに書きます:
全手法を重ねた等高線図（NAME.png）、手法ごとのパネル（NAME-panels.png、本の図 6-8 の形）、
パネルが同時に進みステップ数を表示するアニメーション（NAME.gif）、そして全部を原寸で
キャプションつきで見せる index.html。--lang ja でページ、キャプション、図の言葉が日本語になります。

学習率は公正に調整します。どの手法も同じ探索（1e-4 から 3.2 の対数グリッドの各 lr のうち、
発散も出発点より上昇もしない中で、最小点までの対数距離の全ステップ平均が最も小さいもの）を
受けます。ただし elliptic は教科書の学習率、下に有界でない saddle は全手法 lr 0.1 です。
図の凡例に使った指定を載せます。'descent trace --opt adam:lr=auto' で一つの指定に同じ探索を行えます。`},
	"explain": {"オプティマイザを説明する：更新式、ハイパーパラメータ、擬似コード、学習ノートとの違い", `explain NAME はオプティマイザ NAME の説明を書きます: 更新式、ハイパーパラメータ
（デフォルト値と取りうる値）、5 行の擬似コード、使いどころ、学習ノート
（docs/optimizers-study-note.ja.md）の式やコードとの違い、spec のキー variant=note が
変えること。NAME を省くとオプティマイザを 1 行ずつ一覧にします。

NAME は ` + strings.Join(optim.Methods(), ", ") + `、またはラッパー
` + strings.Join(optim.Wrappers(), ", ") + ` です。
--lang は ` + strings.Join(explain.Languages(), " か ") + `（デフォルトは $DESCENT_LANG、なければ en）。`},
	"train":        {"MNIST（または他の idx データ）でネットワークを一つのオプティマイザで学習する", jaTrainLong},
	"compare":      {"同じネットワークを複数のオプティマイザ（または任意の変種）で学習し、並べて報告する", jaCompareLong},
	"bench":        {"オプティマイザの 1 ステップの時間を、マシンのメモリ帯域と比べて測る", jaBenchLong},
	"serve":        {"プレイグラウンドを起動する：スライダーを動かしてオプティマイザを眺めるローカルのウェブページ", jaServeLong},
	"data":         {"MNIST のファイルの場所と、その取得方法", jaDataLong},
	"fetch":        {"MNIST のファイル四つをダウンロードし、SHA-256 で検査する", jaFetchLong},
	"version":      {"このバイナリのバージョン、リビジョン、Go のリリースを表示する", ""},
	"export-torch": {"重みとオプティマイザの状態を PyTorch の形式で書く（torchbridge）", jaExportLong},
	"import-torch": {"重みとオプティマイザの状態を PyTorch の形式から読む（torchbridge）", jaImportLong},
	"help":         {"コマンドのヘルプ", "help はどのコマンドのヘルプも表示します。\n詳しくは descent help [コマンドのパス] と入力してください。"},
}

// jaFlags holds the Japanese usage of flags: "command.flag" for one
// command, "flag" for every command.
var jaFlags = map[string]string{
	"help":           "ヘルプを表示する",
	"lang":           "ヘルプとコマンドが書く言葉の言語: en か ja（デフォルトは $DESCENT_LANG、なければ en）",
	"trace.func":     "テスト関数: " + strings.Join(testfunc.Names(), ", ") + "（quadratic は :cond=K を取る）",
	"trace.start":    "出発点 X,Y（デフォルトは関数の標準の出発点）",
	"trace.steps":    "オプティマイザのステップ数",
	"trace.opt":      "オプティマイザの SPEC、NAME[:key=value,...]。繰り返して比べる。lr=auto で学習率を探索",
	"trace.output":   "標準出力の CSV の代わりに FILE（.csv, .png, .svg, .gif）に書く",
	"trace.loss":     "損失の推移も FILE（.png か .svg）に描く",
	"trace.xlim":     "図の x の範囲 A,B（デフォルトは関数の範囲を道筋に合わせて広げたもの）",
	"trace.ylim":     "図の y の範囲 C,D",
	"trace.title":    "図のタイトル（デフォルトは関数名と式）",
	"trace.layout":   "overlay（全部の道筋を一枚の地図に）か grid（オプティマイザごとに 1 枚のパネル、同じ軸と等高線）",
	"trace.lang":     "図が書く言葉の言語: en か ja（デフォルトは $DESCENT_LANG、なければ en）",
	"gallery.output": "書き込むフォルダ（なければ作る）",
	"gallery.lang":   "ページ、キャプション、図の言語: en か ja（デフォルトは $DESCENT_LANG、なければ en）",
	"explain.lang":   "説明の言語: " + strings.Join(explain.Languages(), " か "),
}

const jaUsage = `使い方:{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [コマンド]{{end}}{{if gt (len .Aliases) 0}}

別名:
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

例:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

コマンド:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

フラグ:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces | jaDefaults}}{{end}}{{if .HasAvailableInheritedFlags}}

全体のフラグ:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces | jaDefaults}}{{end}}{{if .HasAvailableSubCommands}}

各コマンドの詳細は "{{.CommandPath}} [コマンド] --help" で表示します。{{end}}
`
