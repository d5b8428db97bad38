package main

// The Japanese help of train, compare, bench, serve, data, version,
// export-torch and import-torch; help.go puts them in place.

const jaTrainLong = `train は多層パーセプトロンを一つのオプティマイザで学習し、DIR に書きます:
  metrics.csv        エポックごとに 1 行: epoch,step,train_loss,test_loss,
                     test_accuracy,seconds（--on-nonfinite skip なら skipped も）
  summary.json       test_accuracy（0〜1）、test_loss、seconds、examples_per_second、
                     parameters、… と config（同じ実行を繰り返すのに要るものすべて）
  steps.csv          ステップごとに 1 行: step,train_loss,lr（--smooth W なら
                     smoothed_loss も。loss.png が描く値）
  loss.png           ステップに対する訓練損失と、各エポック末のテスト損失
  accuracy.png       エポックに対するテスト正解率
  report.md, report.html  実行の設定、結果、グラフ（--lang ja なら日本語、
                     グラフも）
  model.safetensors  最後の重み（fc1.weight [out in], fc1.bias, …, F32。
                     bn があれば bn1.weight, bn1.bias と移動統計
                     bn1.running_mean, bn1.running_var も）。
                     Python の safetensors で読めます
  model_ema.safetensors  --ema DECAY のとき: 重みの移動平均
  checkpoints/       step-NNNNNNNN/ フォルダ: 重み、オプティマイザの状態、
                     マニフェスト。--checkpoint-every ステップごとと最後に書き、
                     新しい --keep 個を残します
どのファイルもアトミックに書き、チェックポイントは全部そろって現れるか、まったく
現れないかのどちらかです。いつ落ちても、失うのは最後のチェックポイント以降のステップだけです。
DIR の持ち主は一つです: ある実行が書いている間（新規でも再開でも）、そこへの別の train や
compare はその PID を挙げて終了コード 2 で終わります。ロックはプロセスと共に消えます。
結果のある DIR は拒みます。--overwrite で置き換えます。
--batch full は勾配降下法（毎ステップ全データ）、--batch 1 は SGD、その間はミニバッチ SGD
（エポックごとに --seed からシャッフル）です。同じフラグなら同じ数値になります。

--resume DIR は DIR の実行をその最新のチェックポイントから、そこに記録された設定で続け、
止まらなかった場合と同じ重みとメトリクス（seconds 以外）を出します。--resume と一緒に
指定できるのは --epochs と --max-steps（実行を延ばす）、--checkpoint-every、--keep、
--on-nonfinite、--data-dir（データが移動した場合。同じデータであること）だけです。
壊れたチェックポイントはエラー（終了コード 2）で、何も書きません。そのフォルダを消せば
一つ前から再開できます。

標準エラー出力が端末なら進捗バー（エポック、ステップ、損失、例/秒）を出し、標準出力には
エポックごとに 1 行書きます。NaN や無限大の損失・勾配が重みに届くことはありません: デフォルトでは
そのステップとパラメータを挙げたエラーで実行を止め（終了コード 1）、最後のチェックポイントを
残します。--on-nonfinite skip ならそのステップを飛ばして数えます。
Ctrl-C（SIGINT）か SIGTERM は今のステップの後で止まり、チェックポイントとそこまでの結果を
書いて 130 か 143 で終わります。2 回目はすぐに止めます。`

const jaCompareLong = `compare は --opt ごとに一度ずつ、同じシードからモデルを学習します。どのオプティマイザも
同じ重みから始まり、同じミニバッチを同じ順に見ます。

--run NAME=FLAGS は代わりに名前つきの変種を実行します。各変種は --run の外のフラグを自分の
FLAGS で変えたものです: --opt、--model（層、act、init、dropout、bn）、--batch、--epochs、
--max-steps、--schedule、--clip、--ema。重み減衰はオプティマイザの weight_decay です。
どの変種も同じデータを同じ順に見て（データ、--subset、--seed は共通）、層と init が同じ
モデルの変種は同じ重みから始まります（dropout と bn は重みの乱数生成器から何も引きません）。
--run の外で一つしか取らないフラグを二度指定する（例えば二つ目の --model）とエラーです。
変種には --run で名前をつけてください。

DIR に書くもの:
  report.md     設定、実行ごとに 1 行の結果の表（最終のテスト正解率、テスト損失、訓練損失、
                ステップ数とエポック数、時間。発散した実行は「diverged at step N」）、
                各実行が何を学習したか、グラフ
  report.html   同じものを一枚の静的ページで（グラフを埋め込み、外部ファイルなし）
  loss.png      ステップに対する訓練損失（テスト損失は破線）を重ねたもの。
                --smooth W なら訓練損失を移動平均で描く
  accuracy.png  エポックに対するテスト正解率を重ねたもの
  metrics.csv   全実行のエポックごとの行: run,epoch,step,train_loss,
                test_loss,test_accuracy,seconds
  steps.csv     全実行のステップ: run,step,train_loss,lr（--smooth なら
                smoothed_loss も）
  summary.json  全実行のまとめ（descent train が書くものと同じ。--run なら実行の名前つき）
--lang ja でレポートとグラフが日本語になります。
結果（compare か train の）のある DIR は拒みます。--overwrite で置き換えます。
実行中は train と同じく compare が DIR を占有します。
ほかのフラグは descent train と同じです。`

const jaBenchLong = `bench は N 個の float32 パラメータでオプティマイザの 1 ステップの時間を測り、同じ実行・
同じスレッド数で、N 個の float32 の配列三つに STREAM triad a[i] = b[i] + s·c[i] を走らせます。
triad は、ステップの速さを決めるメモリ帯域を測ります。

出力は、S ステップ（状態を確保する計測しない 1 ステップの後）の 1 ステップあたりの時間の中央値、
ステップの実効帯域（動かさねばならないバイト数: p と g の読み込みと p の書き込みに要素あたり
各 4、状態バッファ一つの読み書きに 8。例えば sgd は 12、momentum・adagrad・rmsprop は 20、
adam と adamw は 28）、triad の帯域（同じ回数の繰り返しの中央値、要素あたり 12 バイト）、
そしてその比です。実効帯域が triad を上回ることもあります: triad の a への書き込みは先に a を
キャッシュに読み込みますがそれを数えず、一方ステップが書くバッファはどれも先に読んでいるからです。`

const jaServeLong = `serve はループバックアドレスでウェブサーバを起動し、その URL を表示します。ページは
descent trace のオプティマイザを 2 次元のテスト関数の上で、操作に合わせて動かします。
また（/mnist で）descent compare と同じように MNIST でオプティマイザを比べ、各比較を --runs の
下に書きます。配信するものはすべてバイナリに組み込まれていて、ネットワークは要りません。
Ctrl-C（SIGINT）か SIGTERM で止まります: 実行中の比較は先に途中までのレポートと、学習中の
オプティマイザのチェックポイントを DIR/cmp-…/run-N に書き、serve はそれを続ける
descent train --resume のコマンドを表示します。`

const jaDataLong = "data は --data mnist が読むフォルダを表示します: このバイナリをビルドしたクローン、\n" +
	"または作業ディレクトリを含むクローンの data/mnist、なければユーザーのキャッシュフォルダの\n" +
	"`descent/mnist`（'data fetch' がファイルを置く場所）です。"

const jaFetchLong = `fetch は MNIST の gzip ファイル四つ（11.6 MB）を --dir（デフォルトはユーザーのキャッシュ
フォルダの descent/mnist）に、--mirror を順に試してダウンロードします（デフォルトのミラーは
https://ossci-datasets.s3.amazonaws.com/mnist/, http://yann.lecun.com/exdb/mnist/）。
サイズと SHA-256 が公表された値と一致するファイルだけを残します。すでにあるファイルは検査して
残します。--list はファイル名、サイズ、SHA-256 を表示し、何もダウンロードしません。`

const jaExportLong = `export-torch はモデルの重みとオプティマイザの状態を、PyTorch の形式の safetensors
ファイル一つに書きます: バッファはパラメータと同じ形、キーは torch の整数のパラメータ ID、
param_groups は torch の名前です。torchbridge/torch_bridge.py がそれを torch のモデルと
オプティマイザに読み込みます:

  model, opt = ..., torch.optim.Adam(...)
  torch_bridge.load("x.safetensors", model, opt)

各グループの学習率はその時点のものです。スケジュールを続ける場合にそれが何を意味するかは
'go doc ./torchbridge' を見てください。`

const jaImportLong = `import-torch は PyTorch の形式のファイル（export-torch が書いたもの、または
torchbridge/torch_bridge.py の torch_bridge.save(path, model, optimizer) が書いたもの）を読み、
重みとオプティマイザの状態を descent の形式で書きます。optim.Optimizer.UnmarshalBinary と
nn.LoadWeights がそれを読み込みます。--checkpoint DIR なら DIR の model.safetensors と
optimizer.safetensors として書きます（DIR は作ります。学習のチェックポイントにはマニフェストも要ります）。`

// jaRunFlags holds the Japanese usage of the flags train and compare share.
var jaRunFlags = map[string]string{
	"data":      "データセット: mnist（クローンの data/mnist か descent data fetch で取得したもの）。ほかの idx ファイルには --data-dir を使う",
	"data-dir":  "MNIST 形式の idx ファイル四つ（そのままか .gz）を `DIR` から読む。例: Fashion-MNIST",
	"model":     "モデルの `SPEC`、mlp:IN-H1-…-OUT[,act=relu|sigmoid|tanh][,init=torch|he|he-uniform|xavier|xavier-normal|normal:STD][,dropout=P][,bn]",
	"batch":     "1 ステップあたりのデータ数（ミニバッチの大きさ）: `N`、1（SGD）か full（勾配降下法）",
	"epochs":    "訓練データを何周するか（エポック数）",
	"seed":      "初期の重み、ミニバッチの順序、dropout の乱数のシード",
	"schedule":  "学習率のスケジュールの `SPEC`。例: cosine, step:step_size=1000,gamma=0.5, warmup_cosine:warmup=200",
	"clip":      "勾配のクリッピング: norm=MAX（全体の L2 ノルム）か value=V",
	"max-steps": "オプティマイザのステップを `N` 回で止める（0: 制限なし）",
	"subset":    "訓練データとテストデータの先頭 `N` 個だけを使う（0: すべて）",
	"ema":       "重みの指数移動平均も減衰率 `DECAY`（例: 0.999）で保つ: エポックごとに評価し、model_ema.safetensors に保存",
	"threads":   "行列積のスレッド数（0: GOMAXPROCS）",
	"output":    "結果を `DIR` に書く（なければ作る）",
	"smooth":    "訓練損失を重み `W`（0 以上 1 未満、例: 0.9。0 なら各ステップそのまま）の指数移動平均で描く",
	"lang":      "レポートとグラフの言語: en か ja（デフォルトは $DESCENT_LANG、なければ en）",
	"overwrite": "-o DIR に実行が残した結果（とチェックポイント）を置き換える",
}

// jaCmdFlags holds the Japanese usage of the other commands' flags.
var jaCmdFlags = map[string]string{
	"train.opt":               "オプティマイザの `SPEC`、NAME[:key=value,...]（descent trace と同じ）",
	"train.checkpoint-every":  "`N` ステップごとにチェックポイントを書く（0: 最後と中断されたときだけ）",
	"train.keep":              "新しいチェックポイントを `K` 個残す（0: すべて）",
	"train.on-nonfinite":      "損失か勾配が NaN や無限大のとき: stop（実行を止め、終了コード 1）か skip（そのステップを飛ばす）",
	"train.resume":            "`DIR` の実行をその最新のチェックポイントから続ける",
	"compare.opt":             "オプティマイザの `SPEC`、NAME[:key=value,...]。繰り返して比べる（--run と一緒なら: 指定のない実行のオプティマイザ）",
	"compare.run":             "名前つきの変種 `NAME=FLAGS`（例: \"he=--model mlp:784-100-10,init=he --opt adam\"）。繰り返して比べる",
	"bench.opt":               "オプティマイザの SPEC、NAME[:key=value,...]",
	"bench.n":                 "float32 のパラメータの数",
	"bench.threads":           "1 ステップの goroutine の数（同時に動くのは GOMAXPROCS 個まで）と triad のスレッド数",
	"bench.steps":             "計測するステップ数（と triad の繰り返し回数）",
	"bench.json":              "JSON オブジェクトを一つ表示する",
	"serve.addr":              "待ち受けるアドレス HOST:PORT（ポート 0 なら空いているものを選ぶ）",
	"serve.open":              "ページをデフォルトのブラウザで開く",
	"serve.runs":              "MNIST のページが比較を書くフォルダ",
	"fetch.dir":               "ファイルを置くフォルダ（デフォルトはユーザーのキャッシュフォルダの descent/mnist）",
	"fetch.mirror":            "四つのファイルを配信するベース URL（繰り返し可。デフォルトは既知のミラー）",
	"fetch.list":              "ファイル名、SHA-256、サイズを表示し、何もダウンロードしない",
	"fetch.timeout":           "この時間が過ぎたらあきらめる",
	"export-torch.checkpoint": "チェックポイントのフォルダ: その model.safetensors と optimizer.safetensors を読む",
	"export-torch.weights":    "重みのファイル（F32 の safetensors、model.safetensors と同じ形式）",
	"export-torch.state":      "オプティマイザの状態のファイル（optimizer.safetensors と同じ形式）",
	"export-torch.output":     "書き出す torch 形式の safetensors ファイル",
	"import-torch.checkpoint": "チェックポイントのフォルダ: その model.safetensors と optimizer.safetensors を書く",
	"import-torch.weights":    "重みのファイル（F32 の safetensors、model.safetensors と同じ形式）",
	"import-torch.state":      "オプティマイザの状態のファイル（optimizer.safetensors と同じ形式）",
	"descent.version":         "descent のバージョンを表示する",
}

func init() {
	for _, c := range []string{"train", "compare"} {
		for k, v := range jaRunFlags {
			jaFlags[c+"."+k] = v
		}
	}
	for k, v := range jaCmdFlags {
		jaFlags[k] = v
	}
}
