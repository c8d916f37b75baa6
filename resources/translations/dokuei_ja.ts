<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>dokuei::app::MainWindow</name>
    <message>
        <source>dokuei — CT reading workstation</source>
        <translation>dokuei — CT 読影ワークステーション</translation>
    </message>
    <message>
        <source>Test volume (no patient data)</source>
        <translation>テストボリューム（患者データなし）</translation>
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
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Reset view</source>
        <translation>表示をリセット(&amp;R)</translation>
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
