<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>dokuei::app::ChangePasswordDialog</name>
    <message>
        <source>Choose a new password</source>
        <translation>新しいパスワードを設定してください</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新しいパスワード</translation>
    </message>
    <message>
        <source>New password again</source>
        <translation>新しいパスワード（確認）</translation>
    </message>
    <message>
        <source>Enter a new password.</source>
        <translation>新しいパスワードを入力してください。</translation>
    </message>
    <message>
        <source>The two entries differ.</source>
        <translation>2 回の入力が一致しません。</translation>
    </message>
</context>
<context>
    <name>dokuei::app::LockScreen</name>
    <message>
        <source>dokuei — locked</source>
        <translation>dokuei — ロック中</translation>
    </message>
    <message>
        <source>&lt;h1&gt;dokuei is locked&lt;/h1&gt;&lt;p&gt;%1&lt;/p&gt;</source>
        <translation>&lt;h1&gt;dokuei はロックされています&lt;/h1&gt;&lt;p&gt;%1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>ロック解除</translation>
    </message>
    <message>
        <source>Sign in as another user (ends this session)</source>
        <translation>別のユーザーでサインイン（このセッションは終了します）</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>サインイン</translation>
    </message>
</context>
<context>
    <name>dokuei::app::LoginWindow</name>
    <message>
        <source>dokuei — sign in</source>
        <translation>dokuei — サインイン</translation>
    </message>
    <message>
        <source>&lt;h2&gt;dokuei&lt;/h2&gt;&lt;p&gt;CT reading workstation&lt;/p&gt;</source>
        <translation>&lt;h2&gt;dokuei&lt;/h2&gt;&lt;p&gt;CT 読影ワークステーション&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Sign in with your user ID, password, and your smart card with its PIN.</source>
        <translation>ユーザー ID、パスワード、IC カードと PIN でサインインしてください。</translation>
    </message>
</context>
<context>
    <name>dokuei::app::MainWindow</name>
    <message>
        <source>dokuei — CT reading workstation</source>
        <translation>dokuei — CT 読影ワークステーション</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About dokuei</source>
        <translation>dokuei について(&amp;A)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>メイン</translation>
    </message>
    <message>
        <source>%1 · OpenGL %2 · %3</source>
        <translation>%1 · OpenGL %2 · %3</translation>
    </message>
    <message>
        <source>About dokuei</source>
        <translation>dokuei について</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;dokuei&lt;/b&gt; %1&lt;/p&gt;&lt;p&gt;Remote CT reading workstation for radiologists.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;dokuei&lt;/b&gt; %1&lt;/p&gt;&lt;p&gt;放射線科医のための遠隔 CT 読影ワークステーション&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;Lock now</source>
        <translation>今すぐロック(&amp;L)</translation>
    </message>
    <message>
        <source>Privacy lock: hide everything now (Ctrl+Alt+L)</source>
        <translation>プライバシーロック: すぐに画面を隠します（Ctrl+Alt+L）</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>サインアウト(&amp;O)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Studies</source>
        <translation>検査</translation>
    </message>
    <message>
        <source>Loading series...</source>
        <translation>シリーズを読み込んでいます...</translation>
    </message>
    <message>
        <source>Loading: %1 images, %2 MB, %3 MB/s</source>
        <translation>読み込み中: %1 画像、%2 MB、%3 MB/s</translation>
    </message>
    <message>
        <source>Series loaded</source>
        <translation>シリーズを読み込みました</translation>
    </message>
    <message>
        <source>Loading failed: %1</source>
        <translation>読み込みに失敗しました: %1</translation>
    </message>
    <message>
        <source>An image could not be loaded: %1</source>
        <translation>画像を読み込めませんでした: %1</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>読影</translation>
    </message>
    <message>
        <source>Reopening series %1...</source>
        <translation>シリーズ %1 を再表示しています...</translation>
    </message>
    <message>
        <source>Resume report</source>
        <translation>レポートを再開</translation>
    </message>
    <message numerus="yes">
        <source>You have %n unfinished report(s), saved in your encrypted vault.</source>
        <translation>
            <numerusform>未完了のレポートが %n 件あります（暗号化保管庫に保存済み）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading series: %1 of %2 images</source>
        <translation>シリーズを読み込み中: %1 / %2 画像</translation>
    </message>
    <message>
        <source>Loading series: %1 images</source>
        <translation>シリーズを読み込み中: %1 画像</translation>
    </message>
    <message>
        <source>Loading series %1...</source>
        <translation>シリーズ %1 を読み込み中...</translation>
    </message>
    <message numerus="yes">
        <source>Series %1 loaded: %n images</source>
        <translation>
            <numerusform>シリーズ %1 を読み込みました: %n 画像</numerusform>
        </translation>
    </message>
    <message>
        <source>For privacy, the images were wiped from memory when the session was locked.</source>
        <translation>プライバシー保護のため、ロック時に画像はメモリから消去されました。</translation>
    </message>
    <message>
        <source>Reopen series %1</source>
        <translation>シリーズ %1 を再表示</translation>
    </message>
    <message>
        <source>Reopen the last series</source>
        <translation>最後のシリーズを再表示</translation>
    </message>
    <message>
        <source>radiologist</source>
        <translation>読影医</translation>
    </message>
    <message>
        <source>supervising radiologist</source>
        <translation>指導読影医</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>管理者</translation>
    </message>
    <message>
        <source>auditor</source>
        <translation>監査者</translation>
    </message>
</context>
<context>
    <name>dokuei::app::PatientBanner</name>
    <message>
        <source>%1  (ID %2)  %3</source>
        <translation>%1  （ID %2）  %3</translation>
    </message>
</context>
<context>
    <name>dokuei::app::PriorReportFinder</name>
    <message>
        <source>Previous report</source>
        <translation>前回レポート</translation>
    </message>
    <message>
        <source>final</source>
        <translation>確定</translation>
    </message>
    <message>
        <source>not final</source>
        <translation>未確定</translation>
    </message>
</context>
<context>
    <name>dokuei::app::SelfCheck</name>
    <message>
        <source>OpenGL</source>
        <translation>OpenGL</translation>
    </message>
    <message>
        <source>no display: start dokuei in a graphical session (or under Xvfb)</source>
        <translation>ディスプレイがありません: グラフィカルセッション（または Xvfb）で dokuei を起動してください</translation>
    </message>
    <message>
        <source>cannot create an OpenGL 3.2 core profile context</source>
        <translation>OpenGL 3.2 コアプロファイルのコンテキストを作成できません</translation>
    </message>
    <message>
        <source>%1, OpenGL %2</source>
        <translation>%1、OpenGL %2</translation>
    </message>
    <message>
        <source> (VTK needs OpenGL 3.2 or later)</source>
        <translation>（VTK には OpenGL 3.2 以降が必要です）</translation>
    </message>
    <message>
        <source>Memory locking</source>
        <translation>メモリロック</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>無制限</translation>
    </message>
    <message>
        <source>not permitted (RLIMIT_MEMLOCK %1): image memory could be swapped out; raise the limit in /etc/security/limits.conf</source>
        <translation>許可されていません（RLIMIT_MEMLOCK %1）: 画像メモリがスワップされる可能性があります。/etc/security/limits.conf で上限を引き上げてください</translation>
    </message>
    <message>
        <source>permitted, RLIMIT_MEMLOCK %1</source>
        <translation>許可、RLIMIT_MEMLOCK %1</translation>
    </message>
    <message>
        <source> (below 1 GiB: large series will not be locked in full)</source>
        <translation>（1 GiB 未満: 大きなシリーズは全体をロックできません）</translation>
    </message>
    <message>
        <source>PKCS#11 module</source>
        <translation>PKCS#11 モジュール</translation>
    </message>
    <message numerus="yes">
        <source>%1 loads, %n card(s) present</source>
        <translation>
            <numerusform>%1 を読み込みました。カード %n 枚</numerusform>
        </translation>
    </message>
    <message>
        <source>dokuei</source>
        <translation>dokuei</translation>
    </message>
    <message>
        <source>Qt</source>
        <translation>Qt</translation>
    </message>
    <message>
        <source>VTK</source>
        <translation>VTK</translation>
    </message>
    <message>
        <source>DCMTK</source>
        <translation>DCMTK</translation>
    </message>
    <message>
        <source>OpenSSL</source>
        <translation>OpenSSL</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Core dumps</source>
        <translation>コアダンプ</translation>
    </message>
    <message>
        <source>disabled (not dumpable, RLIMIT_CORE 0)</source>
        <translation>無効（ダンプ不可、RLIMIT_CORE 0）</translation>
    </message>
    <message>
        <source>ENABLED: a crash could write patient data to disk</source>
        <translation>有効: クラッシュ時に患者データがディスクに書き出される可能性があります</translation>
    </message>
    <message>
        <source>self-check passed</source>
        <translation>セルフチェック合格</translation>
    </message>
    <message numerus="yes">
        <source>self-check FAILED: %n required item(s) failed</source>
        <translation>
            <numerusform>セルフチェック不合格: 必須項目 %n 件が失敗</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>dokuei::app::SignInForm</name>
    <message>
        <source>Sign in</source>
        <translation>サインイン</translation>
    </message>
    <message>
        <source>User ID</source>
        <translation>ユーザー ID</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <source>Card PIN</source>
        <translation>カード PIN</translation>
    </message>
    <message>
        <source>Too many failed attempts. Try again in %1 seconds.</source>
        <translation>失敗が続いたため、%1 秒後に再試行してください。</translation>
    </message>
    <message>
        <source>Checking the card reader...</source>
        <translation>カードリーダーを確認しています...</translation>
    </message>
</context>
<context>
    <name>dokuei::app::StudyBrowser</name>
    <message>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Patient / series</source>
        <translation>患者 / シリーズ</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>説明</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>画像数</translation>
    </message>
    <message>
        <source>No reading centre configured.</source>
        <translation>読影センターが設定されていません。</translation>
    </message>
    <message>
        <source>Searching the reading centre...</source>
        <translation>読影センターを検索しています...</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>検索に失敗しました: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n studies</source>
        <translation>
            <numerusform>%n 件の検査</numerusform>
        </translation>
    </message>
    <message>
        <source>Accession</source>
        <translation>受付番号</translation>
    </message>
    <message>
        <source>Requesting facility</source>
        <translation>依頼施設</translation>
    </message>
    <message>
        <source>Modality</source>
        <translation>モダリティ</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>シリーズ</translation>
    </message>
    <message>
        <source>Series %1</source>
        <translation>シリーズ %1</translation>
    </message>
    <message numerus="yes">
        <source>%n images</source>
        <translation>
            <numerusform>%n 画像</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>dokuei::app::StudyReport</name>
    <message>
        <source>No report template is installed for %1 studies.</source>
        <translation>%1 検査用のレポートテンプレートがインストールされていません。</translation>
    </message>
    <message>
        <source>The report could not be opened: %1</source>
        <translation>レポートを開けませんでした: %1</translation>
    </message>
    <message>
        <source>Series %1</source>
        <translation>シリーズ %1</translation>
    </message>
    <message>
        <source>Series %1 (%2)</source>
        <translation>シリーズ %1（%2）</translation>
    </message>
</context>
<context>
    <name>dokuei::app::WorkspaceReferences</name>
    <message>
        <source>%1°</source>
        <translation>%1°</translation>
    </message>
    <message>
        <source>%1 mm</source>
        <translation>%1 mm</translation>
    </message>
    <message>
        <source>%1 HU</source>
        <translation>%1 HU</translation>
    </message>
    <message>
        <source>%1, Se %2 Im %3</source>
        <translation>%1、Se %2 Im %3</translation>
    </message>
</context>
<context>
    <name>dokuei::app::Workstation</name>
    <message>
        <source>Card reader error: %1</source>
        <translation>カードリーダーのエラー: %1</translation>
    </message>
    <message>
        <source>No smart card: insert your card.</source>
        <translation>IC カードがありません: カードを挿入してください。</translation>
    </message>
    <message>
        <source>Smart card ready: %1</source>
        <translation>IC カードを認識しました: %1</translation>
    </message>
    <message>
        <source> — warning: few PIN tries left</source>
        <translation> — 注意: PIN の残り試行回数が少なくなっています</translation>
    </message>
    <message>
        <source>Locked after a period without input.</source>
        <translation>一定時間操作がなかったためロックしました。</translation>
    </message>
    <message>
        <source>Locked by the user.</source>
        <translation>ユーザーの操作でロックしました。</translation>
    </message>
    <message>
        <source>Locked because the smart card was removed. Insert it to unlock.</source>
        <translation>IC カードが抜かれたためロックしました。カードを挿入してロックを解除してください。</translation>
    </message>
    <message>
        <source>Locked: the maximum session time has passed. Sign in again.</source>
        <translation>セッションの最長時間を過ぎたためロックしました。再度サインインしてください。</translation>
    </message>
    <message>
        <source>This account has no right to read images on this workstation (role: %1). Sign in with a radiologist&apos;s account; accounts and policy are managed with dokuei-admin.</source>
        <translation>このアカウントには、この端末で画像を読影する権限がありません（ロール: %1）。読影医のアカウントでサインインしてください。アカウントとポリシーの管理は dokuei-admin で行います。</translation>
    </message>
    <message>
        <source>Reports cannot be written: your encrypted vault could not be opened (%1).</source>
        <translation>レポートを作成できません: 暗号化保管庫を開けませんでした（%1）。</translation>
    </message>
    <message>
        <source>The draft could not be saved: %1</source>
        <translation>下書きを保存できませんでした: %1</translation>
    </message>
    <message>
        <source>preliminary</source>
        <translation>仮報告</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>下書き</translation>
    </message>
    <message>
        <source>Patient %1 — %2, saved %3</source>
        <translation>患者 %1 — %2、%3 保存</translation>
    </message>
    <message>
        <source>The report could not be opened: %1</source>
        <translation>レポートを開けませんでした: %1</translation>
    </message>
</context>
<context>
    <name>dokuei::exchange::DicomWebError</name>
    <message>
        <source>The reading centre cannot be reached</source>
        <translation>読影センターに接続できません</translation>
    </message>
    <message>
        <source>The reading centre did not answer in time</source>
        <translation>読影センターが時間内に応答しませんでした</translation>
    </message>
    <message>
        <source>The reading centre&apos;s certificate is not issued by a trusted CA: connection refused</source>
        <translation>読影センターの証明書は信頼された認証局が発行したものではありません: 接続を拒否しました</translation>
    </message>
    <message>
        <source>The reading centre&apos;s certificate has expired (or is not yet valid): connection refused</source>
        <translation>読影センターの証明書は有効期限切れ（またはまだ有効ではありません）: 接続を拒否しました</translation>
    </message>
    <message>
        <source>The reading centre&apos;s certificate is revoked: connection refused</source>
        <translation>読影センターの証明書は失効しています: 接続を拒否しました</translation>
    </message>
    <message>
        <source>The revocation status of the reading centre&apos;s certificate cannot be checked: connection refused</source>
        <translation>読影センターの証明書の失効状態を確認できません: 接続を拒否しました</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is issued for another host: connection refused</source>
        <translation>サーバーの証明書は別のホスト向けに発行されています: 接続を拒否しました</translation>
    </message>
    <message>
        <source>The reading centre&apos;s key is not the pinned key: connection refused</source>
        <translation>読影センターの鍵が固定（ピン留め）された鍵と一致しません: 接続を拒否しました</translation>
    </message>
    <message>
        <source>The server offers no allowed TLS version (TLS 1.2 or 1.3 required): connection refused</source>
        <translation>サーバーは許可された TLS バージョンを提供していません（TLS 1.2 または 1.3 が必要）: 接続を拒否しました</translation>
    </message>
    <message>
        <source>The server offers no allowed cipher suite (TLS 1.2: ECDHE with AES-GCM; TLS 1.3: AES-GCM): connection refused</source>
        <translation>サーバーは許可された暗号スイートを提供していません（TLS 1.2: ECDHE と AES-GCM、TLS 1.3: AES-GCM）: 接続を拒否しました</translation>
    </message>
    <message>
        <source>The reading centre only offers CBC cipher suites, which are not allowed (TLS 1.2: ECDHE with AES-GCM; TLS 1.3: AES-GCM): connection refused</source>
        <translation>読影センターは許可されていない CBC 暗号スイートのみを提供しています（TLS 1.2: ECDHE と AES-GCM、TLS 1.3: AES-GCM）: 接続を拒否しました</translation>
    </message>
    <message>
        <source>The reading centre only offers RSA key exchange, without forward secrecy, which is not allowed (TLS 1.2: ECDHE with AES-GCM): connection refused</source>
        <translation>読影センターは前方秘匿性のない RSA 鍵交換のみを提供しており、これは許可されていません（TLS 1.2: ECDHE と AES-GCM）: 接続を拒否しました</translation>
    </message>
    <message>
        <source>The TLS handshake with the server failed</source>
        <translation>サーバーとの TLS ハンドシェイクに失敗しました</translation>
    </message>
    <message>
        <source>The reading centre requires your smart card: insert the card and sign in again</source>
        <translation>読影センターはスマートカードを必要としています: カードを挿入して再度サインインしてください</translation>
    </message>
    <message>
        <source>The reading centre refused the card&apos;s certificate</source>
        <translation>読影センターがカードの証明書を拒否しました</translation>
    </message>
    <message>
        <source>The reading centre refused the credentials (HTTP 401)</source>
        <translation>読影センターが認証情報を拒否しました（HTTP 401）</translation>
    </message>
    <message>
        <source>The reading centre denied access (HTTP 403)</source>
        <translation>読影センターがアクセスを拒否しました（HTTP 403）</translation>
    </message>
    <message>
        <source>Not found on the reading centre (HTTP 404)</source>
        <translation>読影センターに見つかりません（HTTP 404）</translation>
    </message>
    <message>
        <source>The reading centre failed (HTTP %1)</source>
        <translation>読影センターでエラーが発生しました（HTTP %1）</translation>
    </message>
    <message>
        <source>The reading centre answered HTTP %1</source>
        <translation>読影センターが HTTP %1 を返しました</translation>
    </message>
    <message>
        <source>The reading centre answered with an unexpected content type</source>
        <translation>読影センターが想定外のコンテンツタイプで応答しました</translation>
    </message>
    <message>
        <source>The reading centre&apos;s answer exceeds the size limit</source>
        <translation>読影センターの応答がサイズ上限を超えています</translation>
    </message>
    <message>
        <source>The reading centre&apos;s answer is invalid</source>
        <translation>読影センターの応答が不正です</translation>
    </message>
    <message>
        <source>The request was cancelled</source>
        <translation>要求は取り消されました</translation>
    </message>
    <message>
        <source>the reading centre only speaks TLS 1.1 or older: it chose %1</source>
        <translation>読影センターは TLS 1.1 以前のみに対応しています: 選択されたのは %1</translation>
    </message>
    <message>
        <source>it chose %1</source>
        <translation>選択されたのは %1</translation>
    </message>
</context>
<context>
    <name>dokuei::reporting</name>
    <message>
        <source>image %1</source>
        <translation>画像 %1</translation>
    </message>
    <message>
        <source>The earlier report is larger than 16 MiB.</source>
        <translation>前回レポートが 16 MiB を超えています。</translation>
    </message>
    <message>
        <source>The earlier report is not a readable DICOM object: %1</source>
        <translation>前回レポートは読み取れる DICOM オブジェクトではありません: %1</translation>
    </message>
    <message>
        <source>The earlier report is not a structured report (modality %1).</source>
        <translation>前回レポートは構造化レポート（SR）ではありません（モダリティ %1）。</translation>
    </message>
    <message>
        <source>The earlier report&apos;s content cannot be read: %1</source>
        <translation>前回レポートの内容を読み取れません: %1</translation>
    </message>
    <message>
        <source>The earlier report has no content.</source>
        <translation>前回レポートに内容がありません。</translation>
    </message>
    <message>
        <source>(The earlier report is longer; the rest is not shown.)</source>
        <translation>（前回レポートはさらに続きます。残りは表示していません。）</translation>
    </message>
</context>
<context>
    <name>dokuei::reporting::ReportEditor</name>
    <message>
        <source>Report template</source>
        <translation>レポートテンプレート</translation>
    </message>
    <message>
        <source>Insert measurement</source>
        <translation>計測値を挿入</translation>
    </message>
    <message>
        <source>No measurements in the viewer</source>
        <translation>ビューアに計測がありません</translation>
    </message>
    <message>
        <source>Key image</source>
        <translation>キー画像</translation>
    </message>
    <message>
        <source>Add the image on the active view, as seen, to the report</source>
        <translation>アクティブなビューの画像を表示どおりにレポートへ追加します</translation>
    </message>
    <message>
        <source>Phrases</source>
        <translation>定型文</translation>
    </message>
    <message>
        <source>Preliminary</source>
        <translation>仮報告</translation>
    </message>
    <message>
        <source>Mark the report preliminary, for verification by a supervising radiologist</source>
        <translation>レポートを仮報告にします（指導医の確認待ち）</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>レポート</translation>
    </message>
    <message>
        <source>Final</source>
        <translation>確定</translation>
    </message>
    <message>
        <source>The draft could not be saved: %1</source>
        <translation>下書きを保存できませんでした: %1</translation>
    </message>
    <message>
        <source>No report: open a study to write its report.</source>
        <translation>レポートはありません: 検査を開くとレポートを書けます。</translation>
    </message>
    <message>
        <source>%1  (ID %2)  %3 %4</source>
        <translation>%1  （ID %2）  %3 %4</translation>
    </message>
    <message>
        <source>Requesting facility: %1</source>
        <translation>依頼施設: %1</translation>
    </message>
    <message>
        <source>Clinical question: %1</source>
        <translation>臨床情報: %1</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Impression</source>
        <translation>診断</translation>
    </message>
    <message>
        <source>Recommendation</source>
        <translation>推奨</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>下書き</translation>
    </message>
    <message>
        <source>Final (read-only)</source>
        <translation>確定（読み取り専用）</translation>
    </message>
    <message>
        <source>not yet saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>saved %1</source>
        <translation>%1 に保存済み</translation>
    </message>
    <message>
        <source>saved</source>
        <translation>保存済み</translation>
    </message>
    <message>
        <source>Key image %1 (Se %2 Im %3)</source>
        <translation>キー画像 %1（Se %2 Im %3）</translation>
    </message>
    <message>
        <source>The report&apos;s template is not loaded.</source>
        <translation>レポートのテンプレートが読み込まれていません。</translation>
    </message>
    <message>
        <source>Report not complete</source>
        <translation>レポートが未完成です</translation>
    </message>
    <message>
        <source>Complete the report, or give the reason to finalize it as it is (the override is audited):</source>
        <translation>レポートを完成させるか、このまま確定する理由を入力してください（この例外は監査記録に残ります）:</translation>
    </message>
    <message>
        <source>No phrases yet</source>
        <translation>定型文はまだありません</translation>
    </message>
    <message>
        <source>Save the selected text as a phrase...</source>
        <translation>選択したテキストを定型文として保存...</translation>
    </message>
    <message>
        <source>Select the text to keep as a phrase first.</source>
        <translation>先に定型文にするテキストを選択してください。</translation>
    </message>
    <message>
        <source>Name of the phrase:</source>
        <translation>定型文の名前:</translation>
    </message>
    <message>
        <source>Study</source>
        <translation>検査</translation>
    </message>
    <message>
        <source>Accession %1</source>
        <translation>受付番号 %1</translation>
    </message>
    <message>
        <source>male</source>
        <translation>男性</translation>
    </message>
    <message>
        <source>female</source>
        <translation>女性</translation>
    </message>
    <message>
        <source>other</source>
        <translation>その他</translation>
    </message>
    <message>
        <source>born %1</source>
        <translation>%1 生</translation>
    </message>
    <message>
        <source>(no measurement chosen)</source>
        <translation>（計測を選択していません）</translation>
    </message>
    <message>
        <source>(no key image chosen)</source>
        <translation>（キー画像を選択していません）</translation>
    </message>
    <message>
        <source>(insert a measurement into the text first)</source>
        <translation>（先に計測を本文に挿入してください）</translation>
    </message>
    <message>
        <source>(add a key image first)</source>
        <translation>（先にキー画像を追加してください）</translation>
    </message>
    <message>
        <source>No image to add: open a series and show it in the stack view (1×1, 1×2 or 2×2).</source>
        <translation>追加できる画像がありません: シリーズを開き、スタック表示（1×1、1×2、2×2）で表示してください。</translation>
    </message>
</context>
<context>
    <name>dokuei::reporting::ReportExport</name>
    <message>
        <source>The document to encapsulate is not a PDF.</source>
        <translation>格納する文書が PDF ではありません。</translation>
    </message>
    <message>
        <source>The PDF is too large for a DICOM Encapsulated PDF.</source>
        <translation>PDF が大きすぎて DICOM Encapsulated PDF にできません。</translation>
    </message>
    <message>
        <source>The report&apos;s study has no valid Study Instance UID (&quot;%1&quot;): the Encapsulated PDF cannot be made.</source>
        <translation>レポートの検査に有効な Study Instance UID がありません（&quot;%1&quot;）: Encapsulated PDF を作成できません。</translation>
    </message>
    <message>
        <source>The Encapsulated PDF needs a new series and instance UID.</source>
        <translation>Encapsulated PDF には新しいシリーズ UID とインスタンス UID が必要です。</translation>
    </message>
    <message>
        <source>The report&apos;s %1 is not a valid DICOM value: the Encapsulated PDF cannot be made.</source>
        <translation>レポートの %1 は DICOM の値として無効です: Encapsulated PDF を作成できません。</translation>
    </message>
    <message>
        <source>The DICOM file could not be written in memory: %1</source>
        <translation>DICOM ファイルをメモリ上に書き出せませんでした: %1</translation>
    </message>
    <message>
        <source>The PDF could not be started: %1</source>
        <translation>PDF の作成を開始できませんでした: %1</translation>
    </message>
    <message>
        <source>The font &quot;%1&quot; for the report&apos;s PDF is not installed (fontconfig offers &quot;%2&quot;); install the package fonts-noto-cjk.</source>
        <translation>レポート PDF 用のフォント &quot;%1&quot; がインストールされていません（fontconfig の候補は &quot;%2&quot;）。パッケージ fonts-noto-cjk をインストールしてください。</translation>
    </message>
    <message>
        <source>The PDF could not be written: %1</source>
        <translation>PDF を書き出せませんでした: %1</translation>
    </message>
    <message>
        <source>The report&apos;s study has no valid Study Instance UID (&quot;%1&quot;): the SR cannot be made.</source>
        <translation>レポートの検査に有効な Study Instance UID がありません（&quot;%1&quot;）: SR を作成できません。</translation>
    </message>
    <message>
        <source>The SR needs a new series and instance UID.</source>
        <translation>SR には新しいシリーズ UID とインスタンス UID が必要です。</translation>
    </message>
    <message>
        <source>The report&apos;s %1 is not a valid DICOM value: the SR cannot be made.</source>
        <translation>レポートの %1 は DICOM の値として無効です: SR を作成できません。</translation>
    </message>
    <message>
        <source>The report has no author: the SR cannot be made.</source>
        <translation>レポートに作成者がありません: SR を作成できません。</translation>
    </message>
    <message>
        <source>The report&apos;s %1 cannot be written into the SR.</source>
        <translation>レポートの %1 を SR に書き込めません。</translation>
    </message>
    <message>
        <source>The SR&apos;s template identification was refused.</source>
        <translation>SR のテンプレート識別が拒否されました。</translation>
    </message>
    <message>
        <source>DCMTK refused the SR: %1</source>
        <translation>DCMTK が SR を拒否しました: %1</translation>
    </message>
</context>
<context>
    <name>dokuei::reporting::ReportSession</name>
    <message>
        <source>Impression</source>
        <translation>診断</translation>
    </message>
    <message>
        <source>No report is open.</source>
        <translation>開いているレポートがありません。</translation>
    </message>
    <message>
        <source>A final report is not changed; an amendment is a new version of it.</source>
        <translation>確定したレポートは変更できません。修正は新しい版として作成します。</translation>
    </message>
    <message>
        <source>Your role may not write reports.</source>
        <translation>あなたのロールにはレポートを書く権限がありません。</translation>
    </message>
    <message>
        <source>Only a supervising radiologist may finalize another radiologist&apos;s preliminary report.</source>
        <translation>他の読影医の仮報告を確定できるのは指導医だけです。</translation>
    </message>
    <message>
        <source>The report is not complete:</source>
        <translation>レポートが未完成です:</translation>
    </message>
    <message>
        <source>Series &quot;%1&quot; was not opened: open it or give a reason.</source>
        <translation>シリーズ「%1」が開かれていません: 開くか、理由を入力してください。</translation>
    </message>
    <message>
        <source>Section &quot;%1&quot; is required.</source>
        <translation>セクション「%1」は必須です。</translation>
    </message>
    <message>
        <source>Field &quot;%1&quot; is required.</source>
        <translation>項目「%1」は必須です。</translation>
    </message>
    <message>
        <source>The impression is empty.</source>
        <translation>診断が空です。</translation>
    </message>
</context>
<context>
    <name>dokuei::reporting::TemplateLibrary</name>
    <message>
        <source>expected a value (a string in &quot;quotes&quot;, a number, true, false, null, an object or an array)</source>
        <translation>値が必要です（&quot;引用符&quot; で囲んだ文字列、数値、true、false、null、オブジェクトまたは配列）</translation>
    </message>
    <message>
        <source>more than %1 values: this is not a report template</source>
        <translation>値が %1 個を超えています: レポートテンプレートではありません</translation>
    </message>
    <message>
        <source>\u must be followed by four hexadecimal digits</source>
        <translation>\u の後には 16 進数 4 桁が必要です</translation>
    </message>
    <message>
        <source>unknown escape \%1 in a string</source>
        <translation>文字列中に不明なエスケープ \%1 があります</translation>
    </message>
    <message>
        <source>a string must not run over the end of the line (write \n for a line break)</source>
        <translation>文字列を行末で折り返すことはできません（改行は \n と書きます）</translation>
    </message>
    <message>
        <source>control character in a string</source>
        <translation>文字列に制御文字があります</translation>
    </message>
    <message>
        <source>the string is not closed with &quot;</source>
        <translation>文字列が &quot; で閉じられていません</translation>
    </message>
    <message>
        <source>not valid UTF-8: save the file as UTF-8 (Shift_JIS and other encodings are not accepted)</source>
        <translation>UTF-8 として無効です: ファイルを UTF-8 で保存してください（Shift_JIS などの文字コードは使えません）</translation>
    </message>
    <message>
        <source>a number is cut short</source>
        <translation>数値が途中で切れています</translation>
    </message>
    <message>
        <source>not a number</source>
        <translation>数値ではありません</translation>
    </message>
    <message>
        <source>a number needs digits after the decimal point</source>
        <translation>小数点の後に数字が必要です</translation>
    </message>
    <message>
        <source>a number needs digits in its exponent</source>
        <translation>指数部に数字が必要です</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>ファイルが空です</translation>
    </message>
    <message>
        <source>the file ends before every { and [ is closed</source>
        <translation>すべての { と [ が閉じられる前にファイルが終わっています</translation>
    </message>
    <message>
        <source>text after the end of the template&apos;s object</source>
        <translation>テンプレートのオブジェクトの後に余分なテキストがあります</translation>
    </message>
    <message>
        <source>expected : after the key</source>
        <translation>キーの後に : が必要です</translation>
    </message>
    <message>
        <source>a comma before } (remove the last comma)</source>
        <translation>} の前にカンマがあります（最後のカンマを削除してください）</translation>
    </message>
    <message>
        <source>expected a key in &quot;quotes&quot;</source>
        <translation>&quot;引用符&quot; で囲んだキーが必要です</translation>
    </message>
    <message>
        <source>the key &quot;%1&quot; appears twice in this object</source>
        <translation>キー &quot;%1&quot; がこのオブジェクトに 2 回現れます</translation>
    </message>
    <message>
        <source>expected , or } after the value</source>
        <translation>値の後に , または } が必要です</translation>
    </message>
    <message>
        <source>expected , or ] after the value</source>
        <translation>値の後に , または ] が必要です</translation>
    </message>
    <message>
        <source>a comma before ] (remove the last comma)</source>
        <translation>] の前にカンマがあります（最後のカンマを削除してください）</translation>
    </message>
    <message>
        <source>nested deeper than %1 levels</source>
        <translation>入れ子が %1 段より深くなっています</translation>
    </message>
    <message>
        <source>text outside &quot;quotes&quot; (only JSON values are allowed)</source>
        <translation>&quot;引用符&quot; の外にテキストがあります（JSON の値のみ使えます）</translation>
    </message>
    <message>
        <source>the directory cannot be read</source>
        <translation>ディレクトリを読み取れません</translation>
    </message>
    <message>
        <source>more than %1 template files: only the first %1 (by name) are read</source>
        <translation>テンプレートファイルが %1 個を超えています: 名前順で最初の %1 個だけを読み込みます</translation>
    </message>
    <message>
        <source>the template id &quot;%1&quot; is already used by %2; this file is not loaded (give a changed copy a new id)</source>
        <translation>テンプレート ID &quot;%1&quot; は %2 で既に使われています。このファイルは読み込みません（変更したコピーには新しい ID を付けてください）</translation>
    </message>
    <message>
        <source>unknown key &quot;%1&quot; (allowed here: %2)</source>
        <translation>不明なキー &quot;%1&quot;（ここで使えるキー: %2）</translation>
    </message>
    <message>
        <source>required, but missing</source>
        <translation>必須ですがありません</translation>
    </message>
    <message>
        <source>longer than %1 characters</source>
        <translation>%1 文字より長くなっています</translation>
    </message>
    <message>
        <source>contains a control or replacement character</source>
        <translation>制御文字または置換文字が含まれています</translation>
    </message>
    <message>
        <source>no line breaks allowed here</source>
        <translation>ここでは改行を使えません</translation>
    </message>
    <message>
        <source>must be a string, not %1</source>
        <translation>%1 ではなく文字列でなければなりません</translation>
    </message>
    <message>
        <source>must not be empty</source>
        <translation>空にできません</translation>
    </message>
    <message>
        <source>must be true or false, not %1</source>
        <translation>%1 ではなく true または false でなければなりません</translation>
    </message>
    <message>
        <source>must be a finite number, not %1</source>
        <translation>%1 ではなく有限の数値でなければなりません</translation>
    </message>
    <message>
        <source>must be an object {…}, not %1</source>
        <translation>%1 ではなくオブジェクト {…} でなければなりません</translation>
    </message>
    <message>
        <source>must be an array […], not %1</source>
        <translation>%1 ではなく配列 […] でなければなりません</translation>
    </message>
    <message>
        <source>more than %1 items</source>
        <translation>項目が %1 個を超えています</translation>
    </message>
    <message>
        <source>must be a non-empty string</source>
        <translation>空でない文字列でなければなりません</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not %2</source>
        <translation>&quot;%1&quot; は %2 ではありません</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is listed twice</source>
        <translation>&quot;%1&quot; が 2 回記載されています</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an id: use 1 to 64 lower-case letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit</source>
        <translation>&quot;%1&quot; は ID として使えません: 英小文字・数字・&apos;.&apos;・&apos;_&apos;・&apos;-&apos; を 1〜64 文字で、英字か数字で始めてください</translation>
    </message>
    <message>
        <source>the Japanese text is missing</source>
        <translation>日本語のテキストがありません</translation>
    </message>
    <message>
        <source>the English text is missing</source>
        <translation>英語のテキストがありません</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a coding scheme designator (&quot;SCT&quot;, &quot;LN&quot;, &quot;DCM&quot;, &quot;RADLEX&quot;, &quot;99DOKUEI&quot;)</source>
        <translation>&quot;%1&quot; はコード体系の指定子ではありません（&quot;SCT&quot;、&quot;LN&quot;、&quot;DCM&quot;、&quot;RADLEX&quot;、&quot;99DOKUEI&quot;）</translation>
    </message>
    <message>
        <source>the field id &quot;%1&quot; is used twice in this template</source>
        <translation>項目 ID &quot;%1&quot; がこのテンプレートで 2 回使われています</translation>
    </message>
    <message>
        <source>unknown field type &quot;%1&quot; (text, choice, number, measurement or keyImage)</source>
        <translation>不明な項目の型 &quot;%1&quot;（text、choice、number、measurement、keyImage のいずれか）</translation>
    </message>
    <message>
        <source>a number field needs its UCUM unit (&quot;mm&quot;, &quot;[hnsf&apos;U]&quot;, &quot;cm3&quot;)</source>
        <translation>数値項目には UCUM 単位が必要です（&quot;mm&quot;、&quot;[hnsf&apos;U]&quot;、&quot;cm3&quot;）</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a UCUM unit code (no spaces; &quot;mm&quot;, &quot;cm3&quot;)</source>
        <translation>&quot;%1&quot; は UCUM 単位コードではありません（空白なし。&quot;mm&quot;、&quot;cm3&quot;）</translation>
    </message>
    <message>
        <source>only a number field has a unit</source>
        <translation>単位を持てるのは数値項目だけです</translation>
    </message>
    <message>
        <source>only a number field has a range</source>
        <translation>範囲を持てるのは数値項目だけです</translation>
    </message>
    <message>
        <source>the maximum is less than the minimum</source>
        <translation>最大値が最小値より小さくなっています</translation>
    </message>
    <message>
        <source>only a choice field has choices</source>
        <translation>選択肢を持てるのは選択項目だけです</translation>
    </message>
    <message>
        <source>a choice must be an object {code, scheme, ja, en}</source>
        <translation>選択肢はオブジェクト {code, scheme, ja, en} でなければなりません</translation>
    </message>
    <message>
        <source>the choice %1 is listed twice</source>
        <translation>選択肢 %1 が 2 回記載されています</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is reserved: every report has an impression and a recommendation of its own</source>
        <translation>&quot;%1&quot; は予約されています: どのレポートにも固有の診断（印象）と推奨があります</translation>
    </message>
    <message>
        <source>a field must be an object {id, type, label, concept, …}</source>
        <translation>項目はオブジェクト {id, type, label, concept, …} でなければなりません</translation>
    </message>
    <message>
        <source>a DICOM modality (&quot;CT&quot;, upper case)</source>
        <translation>DICOM のモダリティ（&quot;CT&quot;、大文字）</translation>
    </message>
    <message>
        <source>a DICOM Body Part Examined term (&quot;CHEST&quot;, upper case)</source>
        <translation>DICOM の Body Part Examined の用語（&quot;CHEST&quot;、大文字）</translation>
    </message>
    <message>
        <source>a section must be an object {id, title, concept, …}</source>
        <translation>セクションはオブジェクト {id, title, concept, …} でなければなりません</translation>
    </message>
    <message>
        <source>the section id &quot;%1&quot; is used twice in this template</source>
        <translation>セクション ID &quot;%1&quot; がこのテンプレートで 2 回使われています</translation>
    </message>
    <message>
        <source>null</source>
        <translation>null</translation>
    </message>
    <message>
        <source>true/false</source>
        <translation>true/false</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>数値</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>文字列</translation>
    </message>
    <message>
        <source>an array</source>
        <translation>配列</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>オブジェクト</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>何もない値</translation>
    </message>
    <message>
        <source>larger than %1 KiB: this is not a report template</source>
        <translation>%1 KiB を超えています: レポートテンプレートではありません</translation>
    </message>
    <message>
        <source>JSON syntax: %1</source>
        <translation>JSON の構文: %1</translation>
    </message>
    <message>
        <source>a template is one JSON object {…}</source>
        <translation>テンプレートは 1 つの JSON オブジェクト {…} です</translation>
    </message>
    <message>
        <source>no such file</source>
        <translation>ファイルがありません</translation>
    </message>
    <message>
        <source>cannot be read: %1</source>
        <translation>読み取れません: %1</translation>
    </message>
</context>
<context>
    <name>dokuei::security::SignInService</name>
    <message>
        <source>The user ID or password is not correct.</source>
        <translation>ユーザー ID またはパスワードが正しくありません。</translation>
    </message>
    <message>
        <source>Too many failed attempts. Try again in %1 seconds.</source>
        <translation>失敗が続いたため、%1 秒後に再試行してください。</translation>
    </message>
    <message>
        <source>This account is locked after too many failed attempts. Ask an administrator to unlock it.</source>
        <translation>失敗が続いたためアカウントがロックされました。管理者にロック解除を依頼してください。</translation>
    </message>
    <message>
        <source>This account is disabled. Ask an administrator.</source>
        <translation>このアカウントは無効です。管理者に問い合わせてください。</translation>
    </message>
    <message>
        <source>No smart card found. Insert your card and try again.</source>
        <translation>IC カードが見つかりません。カードを挿入して再試行してください。</translation>
    </message>
    <message>
        <source>Enter the PIN of your smart card.</source>
        <translation>IC カードの PIN を入力してください。</translation>
    </message>
    <message>
        <source>The card PIN is not correct. The card locks itself after a few wrong PINs.</source>
        <translation>カードの PIN が正しくありません。誤りが続くとカードがロックされます。</translation>
    </message>
    <message>
        <source>The card&apos;s PIN is locked. Contact the card issuer.</source>
        <translation>カードの PIN がロックされています。カード発行元に連絡してください。</translation>
    </message>
    <message>
        <source>This card is not registered for this user ID. Use your own card, or ask an administrator.</source>
        <translation>このカードはこのユーザー ID に登録されていません。ご自身のカードを使うか、管理者に問い合わせてください。</translation>
    </message>
    <message>
        <source>The certificate on this card has expired (or is not yet valid).</source>
        <translation>このカードの証明書は有効期限切れ（または有効期間前）です。</translation>
    </message>
    <message>
        <source>The certificate on this card has been revoked.</source>
        <translation>このカードの証明書は失効しています。</translation>
    </message>
    <message>
        <source>The certificate on this card is not issued by a trusted authority.</source>
        <translation>このカードの証明書は信頼された認証局が発行したものではありません。</translation>
    </message>
    <message>
        <source>Your password has expired. Choose a new one.</source>
        <translation>パスワードの有効期限が切れました。新しいパスワードを設定してください。</translation>
    </message>
    <message>
        <source>You must choose a new password now.</source>
        <translation>新しいパスワードを設定する必要があります。</translation>
    </message>
    <message>
        <source>Sign-in failed: %1</source>
        <translation>サインインに失敗しました: %1</translation>
    </message>
    <message>
        <source>No smart card found. The PIN was not used: insert your card, then enter the PIN again.</source>
        <translation>IC カードが見つかりません。PIN は使用されていません。カードを挿入してから、もう一度 PIN を入力してください。</translation>
    </message>
    <message>
        <source>Warning: one more wrong PIN locks the card.</source>
        <translation>警告: あと 1 回 PIN を間違えるとカードがロックされます。</translation>
    </message>
    <message>
        <source>Warning: the card reports that few tries are left before it locks.</source>
        <translation>警告: カードがロックされるまでの残り試行回数が少なくなっています。</translation>
    </message>
    <message>
        <source>The certificate on this card cannot be used for signing in (unreadable, or not an authentication certificate). Ask the card issuer.</source>
        <translation>このカードの証明書はサインインに使用できません（読み取れないか、認証用証明書ではありません）。カードの発行元にお問い合わせください。</translation>
    </message>
    <message>
        <source>The card could not prove that it holds the key of its certificate. Do not use this card; ask the card issuer.</source>
        <translation>このカードは証明書の鍵を保持していることを証明できませんでした。このカードは使用せず、カードの発行元にお問い合わせください。</translation>
    </message>
</context>
<context>
    <name>dokuei::viewer::ImageView</name>
    <message>
        <source>Stack</source>
        <translation>スタック</translation>
    </message>
    <message>
        <source>Axial</source>
        <translation>アキシャル</translation>
    </message>
    <message>
        <source>Coronal</source>
        <translation>コロナル</translation>
    </message>
    <message>
        <source>Sagittal</source>
        <translation>サジタル</translation>
    </message>
    <message>
        <source>MIP</source>
        <translation>MIP</translation>
    </message>
    <message>
        <source>MinIP</source>
        <translation>MinIP</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>Cine %1 fps</source>
        <translation>シネ %1 fps</translation>
    </message>
    <message>
        <source>LOSSY COMPRESSED: not the original pixels</source>
        <translation>非可逆圧縮画像：原画像ではありません</translation>
    </message>
    <message>
        <source>%1 mm</source>
        <translation>%1 mm</translation>
    </message>
</context>
<context>
    <name>dokuei::viewer::Measurement</name>
    <message>
        <source>Length</source>
        <translation>距離</translation>
    </message>
    <message>
        <source>Angle</source>
        <translation>角度</translation>
    </message>
    <message>
        <source>Ellipse ROI</source>
        <translation>楕円 ROI</translation>
    </message>
    <message>
        <source>Freehand ROI</source>
        <translation>フリーハンド ROI</translation>
    </message>
    <message>
        <source>HU probe</source>
        <translation>HU 計測</translation>
    </message>
    <message>
        <source>outside the image</source>
        <translation>画像の外</translation>
    </message>
    <message>
        <source>%1 mm</source>
        <translation>%1 mm</translation>
    </message>
    <message>
        <source>%1°</source>
        <translation>%1°</translation>
    </message>
    <message>
        <source>%1 HU</source>
        <translation>%1 HU</translation>
    </message>
    <message>
        <source>mean %1 HU, SD %2, min %3, max %4, area %5 mm²</source>
        <translation>平均 %1 HU、SD %2、最小 %3、最大 %4、面積 %5 mm²</translation>
    </message>
</context>
<context>
    <name>dokuei::viewer::Overlay</name>
    <message>
        <source>ID %1</source>
        <translation>ID %1</translation>
    </message>
    <message>
        <source>Series %1 %2</source>
        <translation>シリーズ %1 %2</translation>
    </message>
    <message>
        <source>Image %1 / %2</source>
        <translation>画像 %1 / %2</translation>
    </message>
    <message>
        <source>%1 %2 / %3</source>
        <translation>%1 %2 / %3</translation>
    </message>
    <message>
        <source>Position %1 mm</source>
        <translation>位置 %1 mm</translation>
    </message>
    <message>
        <source>Thickness %1 mm</source>
        <translation>厚さ %1 mm</translation>
    </message>
    <message>
        <source>%1 slab %2 mm</source>
        <translation>%1 スラブ %2 mm</translation>
    </message>
    <message>
        <source>W %1 L %2</source>
        <translation>W %1 L %2</translation>
    </message>
    <message>
        <source> (inverted)</source>
        <translation>（反転）</translation>
    </message>
    <message>
        <source>Zoom %1%</source>
        <translation>拡大 %1%</translation>
    </message>
</context>
<context>
    <name>dokuei::viewer::ReadingSession</name>
    <message>
        <source>The reading centre does not list this series (any more).</source>
        <translation>このシリーズは読影センターの一覧にありません（削除された可能性があります）。</translation>
    </message>
    <message>
        <source>The series read before the lock is no longer listed by the reading centre.</source>
        <translation>ロック前に読影していたシリーズは、読影センターの一覧にもうありません。</translation>
    </message>
</context>
<context>
    <name>dokuei::viewer::ReadingWorkspace</name>
    <message>
        <source>Window/level</source>
        <translation>ウィンドウ/レベル</translation>
    </message>
    <message>
        <source>Scroll</source>
        <translation>スクロール</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>拡大縮小</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>移動</translation>
    </message>
    <message>
        <source>Crosshair</source>
        <translation>十字カーソル</translation>
    </message>
    <message>
        <source>Oblique</source>
        <translation>斜断面</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>距離</translation>
    </message>
    <message>
        <source>Angle</source>
        <translation>角度</translation>
    </message>
    <message>
        <source>Ellipse ROI</source>
        <translation>楕円 ROI</translation>
    </message>
    <message>
        <source>Freehand ROI</source>
        <translation>フリーハンド ROI</translation>
    </message>
    <message>
        <source>HU probe</source>
        <translation>HU 計測</translation>
    </message>
    <message>
        <source>Reading tools</source>
        <translation>読影ツール</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>シリーズ</translation>
    </message>
    <message>
        <source>Measurements</source>
        <translation>計測</translation>
    </message>
    <message>
        <source>Delete measurement</source>
        <translation>計測を削除</translation>
    </message>
    <message>
        <source>1×1</source>
        <translation>1×1</translation>
    </message>
    <message>
        <source>1×2</source>
        <translation>1×2</translation>
    </message>
    <message>
        <source>2×2</source>
        <translation>2×2</translation>
    </message>
    <message>
        <source>MPR + 3D</source>
        <translation>MPR + 3D</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>ウィンドウ</translation>
    </message>
    <message>
        <source>%1 (W %2 / L %3)  [%4]</source>
        <translation>%1 (W %2 / L %3)  [%4]</translation>
    </message>
    <message>
        <source>Series window  [9]</source>
        <translation>シリーズのウィンドウ  [9]</translation>
    </message>
    <message>
        <source>Invert</source>
        <translation>白黒反転</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>リセット</translation>
    </message>
    <message>
        <source>Cine</source>
        <translation>シネ</translation>
    </message>
    <message>
        <source>Slab </source>
        <translation>スラブ </translation>
    </message>
    <message>
        <source>Thin</source>
        <translation>薄層</translation>
    </message>
    <message>
        <source>MIP</source>
        <translation>MIP</translation>
    </message>
    <message>
        <source>MinIP</source>
        <translation>MinIP</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>平均</translation>
    </message>
    <message>
        <source> mm</source>
        <translation> mm</translation>
    </message>
    <message>
        <source>3D </source>
        <translation>3D </translation>
    </message>
    <message>
        <source>Crop…</source>
        <translation>クロップ…</translation>
    </message>
    <message>
        <source>Series %1</source>
        <translation>シリーズ %1</translation>
    </message>
    <message>
        <source>Crop the 3D view</source>
        <translation>3D 表示のクロップ</translation>
    </message>
    <message>
        <source>Right (R) side %</source>
        <translation>右 (R) 側 %</translation>
    </message>
    <message>
        <source>Left (L) side %</source>
        <translation>左 (L) 側 %</translation>
    </message>
    <message>
        <source>Anterior (A) side %</source>
        <translation>前 (A) 側 %</translation>
    </message>
    <message>
        <source>Posterior (P) side %</source>
        <translation>後 (P) 側 %</translation>
    </message>
    <message>
        <source>Feet (F) side %</source>
        <translation>足 (F) 側 %</translation>
    </message>
    <message>
        <source>Head (H) side %</source>
        <translation>頭 (H) 側 %</translation>
    </message>
</context>
<context>
    <name>dokuei::viewer::SliceView</name>
    <message>
        <source>Loading: %1 / %2 images decoded   W %3 L %4</source>
        <translation>読み込み中: %1 / %2 画像を復号   W %3 L %4</translation>
    </message>
    <message>
        <source>%1 / %2   W %3 L %4</source>
        <translation>%1 / %2   W %3 L %4</translation>
    </message>
</context>
<context>
    <name>dokuei::viewer::VolumeView</name>
    <message>
        <source>CT bone</source>
        <translation>CT 骨</translation>
    </message>
    <message>
        <source>Soft tissue</source>
        <translation>軟部組織</translation>
    </message>
    <message>
        <source>Lung</source>
        <translation>肺野</translation>
    </message>
    <message>
        <source>Vessels</source>
        <translation>血管</translation>
    </message>
    <message>
        <source>MIP</source>
        <translation>MIP</translation>
    </message>
    <message>
        <source>ID %1</source>
        <translation>ID %1</translation>
    </message>
    <message>
        <source>3D %1 (%2)</source>
        <translation>3D %1 (%2)</translation>
    </message>
    <message>
        <source>LOSSY COMPRESSED: not the original pixels</source>
        <translation>非可逆圧縮画像：原画像ではありません</translation>
    </message>
</context>
<context>
    <name>dokuei::viewer::WindowLevel</name>
    <message>
        <source>Brain</source>
        <translation>脳</translation>
    </message>
    <message>
        <source>Subdural</source>
        <translation>硬膜下</translation>
    </message>
    <message>
        <source>Stroke</source>
        <translation>脳梗塞</translation>
    </message>
    <message>
        <source>Lung</source>
        <translation>肺野</translation>
    </message>
    <message>
        <source>Mediastinum</source>
        <translation>縦隔</translation>
    </message>
    <message>
        <source>Abdomen</source>
        <translation>腹部</translation>
    </message>
    <message>
        <source>Liver</source>
        <translation>肝臓</translation>
    </message>
    <message>
        <source>Bone</source>
        <translation>骨</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>シリーズ既定</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Remote CT reading workstation</source>
        <translation>遠隔 CT 読影ワークステーション</translation>
    </message>
    <message>
        <source>Print the version and exit.</source>
        <translation>バージョンを表示して終了します。</translation>
    </message>
    <message>
        <source>Check libraries, OpenGL, memory locking, core dumps and the smart card module, then exit (non-zero on failure).</source>
        <translation>ライブラリ、OpenGL、メモリロック、コアダンプ、IC カードモジュールを確認して終了します（失敗時は 0 以外）。</translation>
    </message>
    <message>
        <source>User interface language: ja or en.</source>
        <translation>表示言語: ja または en</translation>
    </message>
    <message>
        <source>dokuei cannot start</source>
        <translation>dokuei を起動できません</translation>
    </message>
</context>
</TS>
