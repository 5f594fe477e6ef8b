// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_i18n: the Japanese and English string tables.
 *
 * Designated initialisers keep each table in the enum's order without
 * depending on it; a missing entry is NULL, ui_str() then answers "?" and
 * the unit test fails.  Japanese is written for a customer at a
 * convenience-store counter: polite (です・ます), short sentences, and
 * always the next step.  Errors never blame the customer and always say
 * the order is safe when it is.
 */
#include "ui_i18n.h"

#include <string.h>

static const char *const ja[S_STR_COUNT] = {
	[S_LANG_NAME] = "日本語",
	[S_LANG_OTHER] = "English",
	[S_BRAND] = "ディスク受け取り",
	[S_BRAND_SUB] = "ご注文の音楽・映像をその場でディスクに",
	[S_LARGE_TEXT] = "文字を大きく",
	[S_NORMAL_TEXT] = "標準の文字",
	[S_HELP] = "店員を呼ぶ",
	[S_BACK] = "戻る",
	[S_CANCEL] = "やめる",
	[S_CLOSE] = "閉じる",
	[S_STEP_CODE] = "番号入力",
	[S_STEP_CONFIRM] = "内容確認",
	[S_STEP_DISC] = "ディスク",
	[S_STEP_WRITE] = "書き込み",
	[S_STEP_DONE] = "完了",
	[S_ATTRACT_TITLE] = "ネットで注文した音楽・映像を\nこの場でディスクにお渡しします",
	[S_ATTRACT_LEAD] = "12桁の受け取り番号をご用意ください。書き込みは数分で終わります。",
	[S_ATTRACT_STEP1_T] = "番号を入力",
	[S_ATTRACT_STEP1_B] = "注文メールに記載の12桁の番号",
	[S_ATTRACT_STEP2_T] = "ディスクを入れる",
	[S_ATTRACT_STEP2_B] = "空のCD-R・DVD-R（レジで販売しています）",
	[S_ATTRACT_STEP3_T] = "ディスクを受け取る",
	[S_ATTRACT_STEP3_B] = "レシートもお取りください",
	[S_TOUCH_TO_START] = "画面にタッチしてはじめる",
	[S_CODE_TITLE] = "受け取り番号を入力してください",
	[S_CODE_HINT] = "12桁の数字を入力して、「次へ」を押してください。",
	[S_CODE_TIP] = "番号は注文確認メールに「1234-5678-9012」の形で記載されています。",
	[S_CODE_CONTINUE] = "次へ",
	[S_CODE_CLEAR] = "クリア",
	[S_CODE_COUNT] = "{0} / 12 桁",
	[S_CODE_WAIT_LEFT] = "あと{0}秒で再入力できます。",
	[S_CHECKING_TITLE] = "番号を確認しています…",
	[S_CHECKING_BODY] = "数秒お待ちください。",
	[S_ORDER_TITLE] = "ご注文内容をご確認ください",
	[S_ORDER_WRITE] = "この内容で書き込む",
	[S_ORDER_TRACKS] = "全{0}曲・{1}",
	[S_ORDER_ONE_TRACK] = "全1曲・{1}",
	[S_ORDER_FILES] = "{0}ファイル・{1}",
	[S_ORDER_ONE_FILE] = "1ファイル・{1}",
	[S_ORDER_PRICE] = "価格",
	[S_ORDER_PREPAID] = "お支払い済み",
	[S_ORDER_PAY_REGISTER] = "未払いです。最後に出るレシートをレジにお持ちになり、お支払いください。",
	[S_ORDER_NEED] = "必要なもの：空の{0} 1枚",
	[S_ORDER_ID] = "注文番号 {0}",
	[S_ORDER_CONTENTS] = "収録内容",
	[S_ORDER_UNPAID] = "レジでお支払い",
	[S_MEDIA_AUDIO_CD] = "音楽CD",
	[S_MEDIA_DATA_CD] = "データCD",
	[S_MEDIA_DATA_DVD] = "データDVD",
	[S_DISC_TITLE] = "空の{0}を入れてください",
	[S_DISC_BODY] = "ドライブのボタンを押してトレイを開け、ディスクをレーベル面を上にして置き、トレイを閉じてください。",
	[S_DISC_STEP1] = "ドライブのボタンを押して、トレイを開けます",
	[S_DISC_STEP2] = "ディスクをレーベル面を上にして置きます",
	[S_DISC_STEP3] = "トレイを軽く押して閉めます",
	[S_DISC_INSERTED] = "ディスクを入れました",
	[S_DISC_SOLD] = "空のディスクはレジで販売しています。",
	[S_DISC_CHECKING] = "ディスクを確認しています…",
	[S_DISC_IN_DRIVE] = "ドライブ内：{0}",
	[S_WRITE_TITLE] = "ディスクを作成しています",
	[S_WRITE_DONT] = "終わるまでドライブを開けないでください。",
	[S_PROG_PREPARING] = "準備中…",
	[S_PROG_WRITING] = "書き込み中…",
	[S_PROG_CLOSING] = "仕上げ中…",
	[S_PROG_VERIFYING] = "書き込んだ内容を確認中…",
	[S_PROG_ERASING] = "まもなく完了します",
	[S_PROG_DONE] = "完了しました",
	[S_ETA_CALC] = "残り時間を計算しています…",
	[S_ETA_MIN] = "残り約{0}分",
	[S_ETA_LT1] = "残り1分以内",
	[S_PHASE_WRITE] = "書き込み",
	[S_PHASE_VERIFY] = "確認",
	[S_PHASE_DONE] = "完了",
	[S_DONE_TITLE] = "ディスクが完成しました",
	[S_DONE_DISC] = "ディスクをお取りください。",
	[S_DONE_RECEIPT] = "レシートをお取りください。",
	[S_DONE_PAY] = "レシートをレジにお持ちになり、お支払いください。",
	[S_DONE_PAY_TITLE] = "お支払い金額：{0}",
	[S_DONE_THANKS] = "ご利用ありがとうございました。",
	[S_DONE_FINISH] = "終了する",
	[S_ERR_BACK_START] = "最初に戻る",
	[S_ERR_TRY_DISC] = "別のディスクで試す",
	[S_ERR_REF] = "店員用の参照番号：{0}",
	[S_ERR_STAFF_HINT] = "わからないときは、この画面のまま店員をお呼びください。",
	[S_HELP_TITLE] = "お困りですか？",
	[S_HELP_BODY] = "レジの店員にお声がけください。この画面を見せていただければ、すぐにお手伝いします。",
	[S_IDLE_TITLE] = "操作を続けますか？",
	[S_IDLE_BODY] = "{0}秒後に最初の画面に戻ります。",
	[S_IDLE_CONTINUE] = "続ける",
	[S_STAFF_BADGE] = "スタッフ",
	[S_STAFF_PIN_TITLE] = "スタッフ認証",
	[S_STAFF_PIN_HINT] = "スタッフ用の暗証番号を入力してください。",
	[S_STAFF_SIGN_IN] = "ログイン",
	[S_STAFF_PIN_WRONG] = "暗証番号が違います。",
	[S_STAFF_LOCKED] = "入力ミスが続いたため、{0}後に再度お試しください。",
	[S_STAFF_CHECKING] = "確認しています…",
	[S_STAFF_SIGN_OUT] = "ログアウト",
	[S_STAFF_MENU] = "メンテナンス",
	[S_STAFF_QUIT] = "Tenpoを終了",
	[S_STAFF_QUIT_Q] = "キオスクのプログラムを終了しますか？再起動するまで、お客様はこの端末を利用できません。",
	[S_STAFF_QUIT_YES] = "終了する",
	[S_STAFF_SHOP] = "店舗 {0}",
	[S_TILE_DRIVE] = "ドライブとディスク",
	[S_TILE_QUEUE] = "注文キュー",
	[S_TILE_TEST] = "テスト書き込み",
	[S_TILE_SPOOL] = "保存領域",
	[S_TILE_NET] = "ネットワークとTLS",
	[S_TILE_OUTBOX] = "報告の送信待ち",
	[S_TILE_PERIPH] = "周辺機器",
	[S_TILE_LOG] = "最近のログ",
	[S_TILE_ABOUT] = "この端末について",
	[S_SUM_DRIVE_NONE] = "ドライブが見つかりません",
	[S_SUM_QUEUE] = "{0}件・失敗{1}件",
	[S_SUM_SPOOL] = "{1}中 {0} 使用",
	[S_SUM_OUTBOX] = "送信待ち {0}件",
	[S_SUM_PERIPH] = "スキャナーとプリンターのテスト",
	[S_SUM_LOG] = "{0}行",
	[S_SUM_ABOUT] = "バージョン {0}",
	[S_SUM_TEST] = "ディスクを使わない模擬書き込み",
	[S_DISC_NONE] = "ディスクなし",
	[S_DISC_BLANK] = "空のディスク",
	[S_DISC_APPENDABLE] = "追記可能",
	[S_DISC_CLOSED] = "書き込み済み",
	[S_DISC_UNSUITABLE] = "使用できないディスク",
	[S_F_DRIVE] = "ドライブ",
	[S_F_ADDRESS] = "アドレス",
	[S_F_PROFILE] = "メディア",
	[S_F_DISC] = "ディスクの状態",
	[S_F_FREE] = "空き容量",
	[S_F_RUINED] = "失敗したディスク",
	[S_CONNECTED] = "接続済み",
	[S_NOT_CONNECTED] = "未接続",
	[S_EJECT] = "取り出し",
	[S_COL_ORDER] = "注文番号",
	[S_COL_STATE] = "状態",
	[S_COL_TITLE] = "タイトル",
	[S_COL_REASON] = "理由",
	[S_COL_UPDATED] = "更新",
	[S_ACT_RETRY] = "再試行",
	[S_ACT_CANCEL] = "注文を取り消す",
	[S_ACT_REFETCH] = "再ダウンロード",
	[S_ACT_REWRITE] = "再書き込み",
	[S_QUEUE_EMPTY] = "注文はありません。",
	[S_QUEUE_SELECT] = "操作する注文を選んでください。",
	[S_CANCEL_Q] = "注文 {0} を取り消しますか？お客様はこの注文を受け取れなくなります。",
	[S_KEEP] = "取り消さない",
	[S_ST_ANNOUNCED] = "通知済み",
	[S_ST_DOWNLOADING] = "ダウンロード中",
	[S_ST_READY] = "受け取り可能",
	[S_ST_CLAIMED] = "受け取り手続き中",
	[S_ST_WRITING] = "書き込み中",
	[S_ST_VERIFYING] = "確認中",
	[S_ST_WRITTEN] = "書き込み完了",
	[S_ST_ERASED] = "消去済み",
	[S_ST_REPORTED] = "報告済み",
	[S_ST_FAILED] = "失敗",
	[S_ST_EXPIRED] = "期限切れ",
	[S_ST_CANCELLED] = "取り消し済み",
	[S_TEST_BODY] = "テスト用イメージで模擬書き込みを行います。ドライブは動作しますが、ディスクには何も書き込みません。",
	[S_TEST_START] = "テスト書き込みを開始",
	[S_LAST_RESULT] = "直近の操作結果",
	[S_NO_RESULT] = "まだ操作はありません。",
	[S_SPOOL_USED] = "使用量",
	[S_SPOOL_FREE] = "ディスクの空き",
	[S_SPOOL_HOLDING] = "コンテンツを保存中の注文",
	[S_SPOOL_WAIT_ERASE] = "書き込み済み・消去待ち",
	[S_SPOOL_ERASED] = "コンテンツ消去済み",
	[S_SPOOL_OF] = "上限 {0} のうち {1}",
	[S_SPOOL_FULL_WAIT] = "{0}（{1} 件の注文が保存領域の空きを待機中）",
	[S_NET_STATUS] = "配信サーバー",
	[S_NET_OK] = "接続できます",
	[S_NET_DOWN] = "接続できません",
	[S_NET_HTTP_ERROR] = "接続できます(サーバーがエラーを返しました)",
	[S_NET_PROTOCOL] = "接続できます(応答を解釈できません)",
	[S_NET_TLS] = "接続できます(TLS が拒否されました)",
	[S_NET_LAST_SYNC] = "最終同期",
	[S_NET_NEVER] = "未実施",
	[S_NET_LAST_ERROR] = "直近のエラー",
	[S_NET_NONE] = "なし",
	[S_NET_SERVER_CERT] = "サーバー証明書の期限",
	[S_NET_CLIENT_CERT] = "この端末の証明書の期限",
	[S_DAYS_LEFT] = "{0}（残り{1}日）",
	[S_EXPIRED_AGO] = "{0}（期限切れ）",
	[S_UNKNOWN] = "不明",
	[S_SYNC_NOW] = "今すぐ同期",
	[S_OUTBOX_PENDING] = "送信待ちの報告",
	[S_OUTBOX_BODY] = "報告は、各注文の状況（受信・書き込み・消去）を配信サーバーに伝えます。同期のたびに送信され、サーバーが受け取るまでこの端末に保存されます。",
	[S_PERIPH_SCANNER] = "バーコードスキャナー",
	[S_PERIPH_PRINTER] = "レシートプリンター",
	[S_PERIPH_TEST] = "テスト",
	[S_PERIPH_SCANNER_BODY] = "テストを押してから、受け取り番号のバーコードを読み取ってください。",
	[S_PERIPH_PRINTER_BODY] = "テスト用のレシートを1枚印刷します。",
	[S_LOG_EMPTY] = "ログはまだありません。",
	[S_LOG_NEWEST] = "新しい順",
	[S_ABOUT_VERSION] = "バージョン",
	[S_ABOUT_SHOP] = "店舗ID",
	[S_ABOUT_BOARD] = "ボード",
	[S_ABOUT_SCREEN] = "画面",
	[S_ABOUT_VIDEO] = "映像ドライバー",
	[S_ABOUT_LICENSE] = "ライセンス",
	[S_ABOUT_GESTURE] = "スタッフメニューは、スタート画面の左上の角を3秒間長押しすると開きます。",
};

static const char *const en[S_STR_COUNT] = {
	[S_LANG_NAME] = "English",
	[S_LANG_OTHER] = "日本語",
	[S_BRAND] = "Disc Pickup",
	[S_BRAND_SUB] = "Your music and video, written to disc here",
	[S_LARGE_TEXT] = "Larger text",
	[S_NORMAL_TEXT] = "Normal text",
	[S_HELP] = "Call staff",
	[S_BACK] = "Back",
	[S_CANCEL] = "Cancel",
	[S_CLOSE] = "Close",
	[S_STEP_CODE] = "Code",
	[S_STEP_CONFIRM] = "Confirm",
	[S_STEP_DISC] = "Disc",
	[S_STEP_WRITE] = "Writing",
	[S_STEP_DONE] = "Done",
	[S_ATTRACT_TITLE] = "Pick up the music and video\nyou ordered online",
	[S_ATTRACT_LEAD] = "Have your 12-digit pickup code ready. Writing takes only a few minutes.",
	[S_ATTRACT_STEP1_T] = "Enter your code",
	[S_ATTRACT_STEP1_B] = "The 12 digits from your order e-mail",
	[S_ATTRACT_STEP2_T] = "Insert a blank disc",
	[S_ATTRACT_STEP2_B] = "CD-R and DVD-R are sold at the register",
	[S_ATTRACT_STEP3_T] = "Take your disc",
	[S_ATTRACT_STEP3_B] = "and your receipt",
	[S_TOUCH_TO_START] = "Touch the screen to start",
	[S_CODE_TITLE] = "Enter your pickup code",
	[S_CODE_HINT] = "Type the 12 digits, then press Continue.",
	[S_CODE_TIP] = "Your code is in your order confirmation e-mail, written like 1234-5678-9012.",
	[S_CODE_CONTINUE] = "Continue",
	[S_CODE_CLEAR] = "Clear",
	[S_CODE_COUNT] = "{0} of 12 digits",
	[S_CODE_WAIT_LEFT] = "You can try again in {0} s.",
	[S_CHECKING_TITLE] = "Checking your code...",
	[S_CHECKING_BODY] = "This takes a few seconds.",
	[S_ORDER_TITLE] = "Is this your order?",
	[S_ORDER_WRITE] = "Write this disc",
	[S_ORDER_TRACKS] = "{0} tracks · {1}",
	[S_ORDER_ONE_TRACK] = "1 track · {1}",
	[S_ORDER_FILES] = "{0} files · {1}",
	[S_ORDER_ONE_FILE] = "1 file · {1}",
	[S_ORDER_PRICE] = "Price",
	[S_ORDER_PREPAID] = "Paid online",
	[S_ORDER_PAY_REGISTER] = "Not paid yet: take the receipt printed at the end to the register and pay there.",
	[S_ORDER_NEED] = "You need one blank {0}",
	[S_ORDER_ID] = "Order {0}",
	[S_ORDER_CONTENTS] = "Contents",
	[S_ORDER_UNPAID] = "Pay at the register",
	[S_MEDIA_AUDIO_CD] = "Audio CD",
	[S_MEDIA_DATA_CD] = "Data CD",
	[S_MEDIA_DATA_DVD] = "Data DVD",
	[S_DISC_TITLE] = "Insert a blank {0}",
	[S_DISC_BODY] = "Press the button on the drive to open the tray, place the disc label side up, and close the tray.",
	[S_DISC_STEP1] = "Press the button on the drive to open the tray",
	[S_DISC_STEP2] = "Place the disc in the tray, label side up",
	[S_DISC_STEP3] = "Push the tray gently to close it",
	[S_DISC_INSERTED] = "I have inserted the disc",
	[S_DISC_SOLD] = "No blank disc? They are sold at the register.",
	[S_DISC_CHECKING] = "Checking the disc...",
	[S_DISC_IN_DRIVE] = "In the drive: {0}",
	[S_WRITE_TITLE] = "Making your disc",
	[S_WRITE_DONT] = "Please do not open the drive until it has finished.",
	[S_PROG_PREPARING] = "Preparing...",
	[S_PROG_WRITING] = "Writing...",
	[S_PROG_CLOSING] = "Finishing the disc...",
	[S_PROG_VERIFYING] = "Checking what was written...",
	[S_PROG_ERASING] = "Almost done...",
	[S_PROG_DONE] = "Done",
	[S_ETA_CALC] = "Estimating the time left...",
	[S_ETA_MIN] = "About {0} min left",
	[S_ETA_LT1] = "Less than a minute left",
	[S_PHASE_WRITE] = "Write",
	[S_PHASE_VERIFY] = "Check",
	[S_PHASE_DONE] = "Done",
	[S_DONE_TITLE] = "Your disc is ready",
	[S_DONE_DISC] = "Take your disc from the drive.",
	[S_DONE_RECEIPT] = "Take your receipt.",
	[S_DONE_PAY] = "Please take your receipt to the register and pay there.",
	[S_DONE_PAY_TITLE] = "Amount to pay: {0}",
	[S_DONE_THANKS] = "Thank you for using this service.",
	[S_DONE_FINISH] = "Finish",
	[S_ERR_BACK_START] = "Back to the start",
	[S_ERR_TRY_DISC] = "Try another disc",
	[S_ERR_REF] = "Reference for staff: {0}",
	[S_ERR_STAFF_HINT] = "Not sure what to do? Leave this screen as it is and call a staff member.",
	[S_HELP_TITLE] = "Need help?",
	[S_HELP_BODY] = "Please ask a staff member at the register. Show them this screen and they will help you right away.",
	[S_IDLE_TITLE] = "Are you still there?",
	[S_IDLE_BODY] = "The screen returns to the start in {0} s.",
	[S_IDLE_CONTINUE] = "Continue",
	[S_STAFF_BADGE] = "STAFF",
	[S_STAFF_PIN_TITLE] = "Staff sign-in",
	[S_STAFF_PIN_HINT] = "Enter your staff PIN.",
	[S_STAFF_SIGN_IN] = "Sign in",
	[S_STAFF_PIN_WRONG] = "PIN not accepted.",
	[S_STAFF_LOCKED] = "Too many wrong PINs. Try again in {0}.",
	[S_STAFF_CHECKING] = "Checking...",
	[S_STAFF_SIGN_OUT] = "Sign out",
	[S_STAFF_MENU] = "Maintenance",
	[S_STAFF_QUIT] = "Quit Tenpo",
	[S_STAFF_QUIT_Q] = "Quit the kiosk program? Customers cannot use this kiosk until it is started again.",
	[S_STAFF_QUIT_YES] = "Quit",
	[S_STAFF_SHOP] = "Shop {0}",
	[S_TILE_DRIVE] = "Drive and media",
	[S_TILE_QUEUE] = "Order queue",
	[S_TILE_TEST] = "Test write",
	[S_TILE_SPOOL] = "Storage",
	[S_TILE_NET] = "Network and TLS",
	[S_TILE_OUTBOX] = "Report outbox",
	[S_TILE_PERIPH] = "Peripherals",
	[S_TILE_LOG] = "Recent log",
	[S_TILE_ABOUT] = "About",
	[S_SUM_DRIVE_NONE] = "No drive found",
	[S_SUM_QUEUE] = "{0} orders · {1} failed",
	[S_SUM_SPOOL] = "{0} used of {1}",
	[S_SUM_OUTBOX] = "{0} reports waiting",
	[S_SUM_PERIPH] = "Scanner and printer tests",
	[S_SUM_LOG] = "{0} lines",
	[S_SUM_ABOUT] = "Version {0}",
	[S_SUM_TEST] = "Simulated, no disc used",
	[S_DISC_NONE] = "No disc",
	[S_DISC_BLANK] = "Blank",
	[S_DISC_APPENDABLE] = "Appendable",
	[S_DISC_CLOSED] = "Written (closed)",
	[S_DISC_UNSUITABLE] = "Unsuitable disc",
	[S_F_DRIVE] = "Drive",
	[S_F_ADDRESS] = "Address",
	[S_F_PROFILE] = "Media",
	[S_F_DISC] = "Disc",
	[S_F_FREE] = "Free space",
	[S_F_RUINED] = "Ruined blanks",
	[S_CONNECTED] = "Connected",
	[S_NOT_CONNECTED] = "Not connected",
	[S_EJECT] = "Eject",
	[S_COL_ORDER] = "Order",
	[S_COL_STATE] = "State",
	[S_COL_TITLE] = "Title",
	[S_COL_REASON] = "Reason",
	[S_COL_UPDATED] = "Updated",
	[S_ACT_RETRY] = "Retry",
	[S_ACT_CANCEL] = "Cancel order",
	[S_ACT_REFETCH] = "Download again",
	[S_ACT_REWRITE] = "Write again",
	[S_QUEUE_EMPTY] = "No orders.",
	[S_QUEUE_SELECT] = "Select an order to act on it.",
	[S_CANCEL_Q] = "Cancel order {0}? The customer will no longer be able to pick it up.",
	[S_KEEP] = "Keep order",
	[S_ST_ANNOUNCED] = "Announced",
	[S_ST_DOWNLOADING] = "Downloading",
	[S_ST_READY] = "Ready",
	[S_ST_CLAIMED] = "Claimed",
	[S_ST_WRITING] = "Writing",
	[S_ST_VERIFYING] = "Verifying",
	[S_ST_WRITTEN] = "Written",
	[S_ST_ERASED] = "Erased",
	[S_ST_REPORTED] = "Reported",
	[S_ST_FAILED] = "Failed",
	[S_ST_EXPIRED] = "Expired",
	[S_ST_CANCELLED] = "Cancelled",
	[S_TEST_BODY] = "Runs a simulated write of a test image: the drive does all the work of a real write, but nothing is burned onto the disc.",
	[S_TEST_START] = "Start test write",
	[S_LAST_RESULT] = "Result of the last action",
	[S_NO_RESULT] = "No action yet.",
	[S_SPOOL_USED] = "Used",
	[S_SPOOL_FREE] = "Free on the volume",
	[S_SPOOL_HOLDING] = "Orders holding content",
	[S_SPOOL_WAIT_ERASE] = "Written, waiting to be erased",
	[S_SPOOL_ERASED] = "Content erased",
	[S_SPOOL_FULL_WAIT] = "{0} ({1} orders wait for spool space)",
	[S_SPOOL_OF] = "{1} of the {0} quota",
	[S_NET_STATUS] = "Delivery server",
	[S_NET_OK] = "Reachable",
	[S_NET_DOWN] = "Unreachable",
	[S_NET_HTTP_ERROR] = "Reachable, but it answered an error",
	[S_NET_PROTOCOL] = "Reachable, but its answer broke the protocol",
	[S_NET_TLS] = "Reachable, but TLS was refused",
	[S_NET_LAST_SYNC] = "Last sync",
	[S_NET_NEVER] = "Never",
	[S_NET_LAST_ERROR] = "Last error",
	[S_NET_NONE] = "None",
	[S_NET_SERVER_CERT] = "Server certificate expires",
	[S_NET_CLIENT_CERT] = "Kiosk certificate expires",
	[S_DAYS_LEFT] = "{0} ({1} days left)",
	[S_EXPIRED_AGO] = "{0} (EXPIRED)",
	[S_UNKNOWN] = "Unknown",
	[S_SYNC_NOW] = "Sync now",
	[S_OUTBOX_PENDING] = "Reports waiting to be sent",
	[S_OUTBOX_BODY] = "Reports tell the delivery server what happened to each order (received, written, erased). They are sent at every sync and kept on this kiosk until the server confirms them.",
	[S_PERIPH_SCANNER] = "Barcode scanner",
	[S_PERIPH_PRINTER] = "Receipt printer",
	[S_PERIPH_TEST] = "Test",
	[S_PERIPH_SCANNER_BODY] = "Press Test, then scan any pickup-code barcode.",
	[S_PERIPH_PRINTER_BODY] = "Prints one test receipt.",
	[S_LOG_EMPTY] = "No log lines yet.",
	[S_LOG_NEWEST] = "Newest first",
	[S_ABOUT_VERSION] = "Version",
	[S_ABOUT_SHOP] = "Shop ID",
	[S_ABOUT_BOARD] = "Board",
	[S_ABOUT_SCREEN] = "Screen",
	[S_ABOUT_VIDEO] = "Video driver",
	[S_ABOUT_LICENSE] = "Licence",
	[S_ABOUT_GESTURE] = "The staff menu opens when the top-left corner of the start screen is held for 3 seconds.",
};

static const struct ui_msg_text msg_ja[CORE_MSG_COUNT] = {
	[CORE_MSG_NONE] = { "", "", "" },
	[CORE_MSG_CODE_WRONG] = { "この番号は見つかりません",
				  "番号が正しくないか、この店舗でのお受け取りではないご注文です。",
				  "注文メールの12桁の番号をご確認のうえ、もう一度入力してください。" },
	[CORE_MSG_CODE_MALFORMED] = { "受け取り番号の形式ではありません",
				      "受け取り番号は12桁の数字です。",
				      "番号をご確認のうえ、もう一度入力してください。" },
	[CORE_MSG_CODE_WAIT] = { "誤った番号の入力が続きました",
				 "安全のため、しばらく入力を受け付けません。",
				 "少し待ってから、もう一度入力してください。" },
	[CORE_MSG_ORDER_NOT_READY] = { "ご注文の準備がまだできていません",
				       "コンテンツをこの店舗に配信しているところです。",
				       "しばらくしてから再度お試しいただくか、店員にお尋ねください。" },
	[CORE_MSG_ORDER_EXPIRED] = { "受け取り期限が過ぎています",
				     "このご注文の受け取り期間は終了しました。",
				     "ご注文いただいたサービスにお問い合わせいただくか、店員にお尋ねください。" },
	[CORE_MSG_ORDER_UNAVAILABLE] = { "このご注文はお受け取りできません",
					 "取り消し済み、またはすでにお受け取り済みのご注文です。",
					 "ご不明な点は店員にお尋ねください。" },
	[CORE_MSG_PAY_AT_REGISTER] = { "お支払いはレジでお願いします",
				       "このご注文はまだお支払いが済んでいません。",
				       "最後に出るレシートをレジにお持ちになり、お支払いください。" },
	[CORE_MSG_NO_DISC] = { "ディスクが入っていません",
			       "ドライブの中にディスクが見つかりません。",
			       "空の{0}をレーベル面を上にして入れ、トレイを閉じてください。" },
	[CORE_MSG_DISC_NOT_BLANK] = { "このディスクは空ではありません",
				      "すでにデータが書き込まれているため、使用できません。",
				      "ディスクを取り出し、新しい空の{0}を入れてください。" },
	[CORE_MSG_DISC_WRONG_TYPE] = { "ディスクの種類が違います",
				       "このご注文には{0}が必要です。",
				       "ディスクを取り出し、空の{0}を入れてください。" },
	[CORE_MSG_DISC_TOO_SMALL] = { "ディスクの容量が足りません",
				      "このご注文は、入っているディスクに収まりません。",
				      "ディスクを取り出し、空の{0}を入れてください。" },
	[CORE_MSG_WRITE_FAILED] = { "書き込みに失敗しました",
				    "このディスクには書き込めませんでした。ご注文は安全に保存されています。",
				    "別の空の{0}でもう一度お試しいただくか、店員にお声がけください。" },
	[CORE_MSG_VERIFY_FAILED] = { "ディスクの確認で問題が見つかりました",
				     "書き込んだ内容を正しく読み取れませんでした。ご注文は安全に保存されています。",
				     "別の空の{0}でもう一度お試しいただくか、店員にお声がけください。" },
	[CORE_MSG_DRIVE_GONE] = { "ディスクドライブが応答しません",
				  "この端末のドライブに問題が起きています。ご注文は安全に保存されています。",
				  "お手数ですが、店員にお声がけください。" },
	[CORE_MSG_INTERNAL] = { "問題が発生しました",
				"端末で予期しない問題が起きました。ご注文は安全に保存されています。",
				"お手数ですが、店員にお声がけください。" },
	[CORE_MSG_BLANKS_EXHAUSTED] = { "このご注文は書き込みを中止しました",
					"何枚かのディスクに書き込めなかったため、店員が確認します。ご注文は安全に保存されています。",
					"お手数ですが、店員にお声がけください。" },
	[CORE_MSG_SCAN_UNREADABLE] = { "このコードは使えません",
				       "読み取ったバーコードは受け取り番号ではありません。",
				       "ご注文メールの受け取り用QRコードをかざすか、12桁の番号を入力してください。" },
};

static const struct ui_msg_text msg_en[CORE_MSG_COUNT] = {
	[CORE_MSG_NONE] = { "", "", "" },
	[CORE_MSG_CODE_WRONG] = { "This code was not found",
				  "The number is not right, or the order is for another store.",
				  "Check the 12 digits in your order e-mail and enter them again." },
	[CORE_MSG_CODE_MALFORMED] = { "That is not a pickup code",
				      "A pickup code is 12 digits.",
				      "Please check the number and enter it again." },
	[CORE_MSG_CODE_WAIT] = { "Too many wrong codes",
				 "For your security, codes are not accepted for a short while.",
				 "Please wait a moment, then enter your code again." },
	[CORE_MSG_ORDER_NOT_READY] = { "Your order is not ready yet",
				       "Its content is still being delivered to this store.",
				       "Please try again a little later, or ask a staff member." },
	[CORE_MSG_ORDER_EXPIRED] = { "This order has expired",
				     "The pickup period for this order has ended.",
				     "Please contact the service you ordered from, or ask a staff member." },
	[CORE_MSG_ORDER_UNAVAILABLE] = { "This order cannot be picked up",
					 "It was cancelled, or it has already been picked up.",
					 "If you have questions, please ask a staff member." },
	[CORE_MSG_PAY_AT_REGISTER] = { "Please pay at the register",
				       "This order has not been paid yet.",
				       "Take the receipt printed at the end to the register and pay there." },
	[CORE_MSG_NO_DISC] = { "No disc in the drive",
			       "The drive is empty.",
			       "Insert a blank {0}, label side up, and close the tray." },
	[CORE_MSG_DISC_NOT_BLANK] = { "This disc is not blank",
				      "Something is already written on it, so it cannot be used.",
				      "Take it out and insert a new blank {0}." },
	[CORE_MSG_DISC_WRONG_TYPE] = { "Wrong type of disc",
				       "This order needs a {0}.",
				       "Take the disc out and insert a blank {0}." },
	[CORE_MSG_DISC_TOO_SMALL] = { "Not enough space on this disc",
				      "This order does not fit on the disc in the drive.",
				      "Take the disc out and insert a blank {0}." },
	[CORE_MSG_WRITE_FAILED] = { "The disc could not be written",
				    "Writing to this disc did not succeed. Your order is kept safe.",
				    "Try again with another blank {0}, or call a staff member." },
	[CORE_MSG_VERIFY_FAILED] = { "The disc did not pass its check",
				     "What was written could not be read back correctly. Your order is kept safe.",
				     "Try again with another blank {0}, or call a staff member." },
	[CORE_MSG_DRIVE_GONE] = { "The disc drive is not responding",
				  "This kiosk has a problem with its drive. Your order is kept safe.",
				  "Please call a staff member." },
	[CORE_MSG_INTERNAL] = { "Something went wrong",
				"The kiosk ran into an unexpected problem. Your order is kept safe.",
				"Please call a staff member." },
	[CORE_MSG_BLANKS_EXHAUSTED] = { "Writing this order has been stopped",
					"Several discs could not be written, so a staff member will check it. Your order is kept safe.",
					"Please call a staff member." },
	[CORE_MSG_SCAN_UNREADABLE] = { "This code cannot be used",
				       "What was scanned is not a pickup code.",
				       "Scan the pickup QR code from your order e-mail, or enter the 12 digits." },
};

static const enum ui_str state_str[ORDER_STATE_COUNT] = {
	[ORDER_ANNOUNCED] = S_ST_ANNOUNCED, [ORDER_DOWNLOADING] = S_ST_DOWNLOADING,
	[ORDER_READY] = S_ST_READY,	    [ORDER_CLAIMED] = S_ST_CLAIMED,
	[ORDER_WRITING] = S_ST_WRITING,	    [ORDER_VERIFYING] = S_ST_VERIFYING,
	[ORDER_WRITTEN] = S_ST_WRITTEN,	    [ORDER_ERASED] = S_ST_ERASED,
	[ORDER_REPORTED] = S_ST_REPORTED,   [ORDER_FAILED] = S_ST_FAILED,
	[ORDER_EXPIRED] = S_ST_EXPIRED,	    [ORDER_CANCELLED] = S_ST_CANCELLED,
};

const char *ui_str(enum ui_lang lang, enum ui_str s)
{
	const char *const *t = lang == UI_LANG_EN ? en : ja;
	const char *v = (unsigned)s < S_STR_COUNT ? t[s] : NULL;

	return v ? v : "?";
}

const struct ui_msg_text *ui_msg(enum ui_lang lang, enum core_msg m)
{
	const struct ui_msg_text *t = lang == UI_LANG_EN ? msg_en : msg_ja;

	return &t[(unsigned)m < CORE_MSG_COUNT ? m : CORE_MSG_INTERNAL];
}

/* burner's lists, one UI string each: a value added there without its
 * string fails to build here (or, in the middle, the unit test). */
static const enum ui_str stage_str[] = {
	[BURNER_STAGE_PREPARING] = S_PROG_PREPARING, [BURNER_STAGE_WRITING] = S_PROG_WRITING,
	[BURNER_STAGE_CLOSING] = S_PROG_CLOSING,     [BURNER_STAGE_VERIFYING] = S_PROG_VERIFYING,
	[BURNER_STAGE_ERASING] = S_PROG_ERASING,     [BURNER_STAGE_DONE] = S_PROG_DONE,
};
static const enum ui_str disc_str[] = {
	[BURNER_MEDIA_NONE] = S_DISC_NONE,	       [BURNER_MEDIA_BLANK] = S_DISC_BLANK,
	[BURNER_MEDIA_APPENDABLE] = S_DISC_APPENDABLE, [BURNER_MEDIA_CLOSED] = S_DISC_CLOSED,
	[BURNER_MEDIA_UNSUITABLE] = S_DISC_UNSUITABLE,
};
static const enum ui_str net_str[] = {
	[DELIVERY_OK] = S_NET_OK,		  [DELIVERY_HTTP_ERROR] = S_NET_HTTP_ERROR,
	[DELIVERY_PROTOCOL_ERROR] = S_NET_PROTOCOL, [DELIVERY_TLS_REFUSED] = S_NET_TLS,
	[DELIVERY_UNREACHABLE] = S_NET_DOWN,
};
_Static_assert(sizeof(net_str) / sizeof(net_str[0]) == DELIVERY_OUTCOME_COUNT,
	       "every delivery outcome has its UI string");
_Static_assert(sizeof(stage_str) / sizeof(stage_str[0]) == BURNER_STAGE_COUNT,
	       "every stage has its UI string");
_Static_assert(sizeof(disc_str) / sizeof(disc_str[0]) == BURNER_STATUS_COUNT,
	       "every disc status has its UI string");

enum ui_str ui_stage_key(enum burner_stage s)
{
	return (unsigned)s < BURNER_STAGE_COUNT ? stage_str[s] : S_PROG_DONE;
}

enum ui_str ui_disc_key(enum burner_status d)
{
	return (unsigned)d < BURNER_STATUS_COUNT ? disc_str[d] : S_DISC_UNSUITABLE;
}

enum ui_str ui_net_key(enum delivery_outcome o)
{
	return (unsigned)o < DELIVERY_OUTCOME_COUNT ? net_str[o] : S_NET_DOWN;
}

const char *ui_order_state_str(enum ui_lang lang, enum order_state s)
{
	return (unsigned)s < ORDER_STATE_COUNT ? ui_str(lang, state_str[s]) : "?";
}

const char *ui_media_str(enum ui_lang lang, enum media_kind m)
{
	switch (m) {
	case MEDIA_AUDIO_CD:
		return ui_str(lang, S_MEDIA_AUDIO_CD);
	case MEDIA_DATA_CD:
		return ui_str(lang, S_MEDIA_DATA_CD);
	case MEDIA_DATA_DVD:
		return ui_str(lang, S_MEDIA_DATA_DVD);
	default:
		return "?";
	}
}

const char *ui_blank_for(enum media_kind m)
{
	return m == MEDIA_DATA_DVD ? "DVD-R" : "CD-R";
}

char *ui_fmt(char *buf, size_t n, const char *tmpl, const char *a0, const char *a1)
{
	size_t o = 0;

	if (!n)
		return buf;
	for (const char *p = tmpl; *p && o + 1 < n; p++) {
		const char *arg = NULL;

		if (p[0] == '{' && (p[1] == '0' || p[1] == '1') && p[2] == '}') {
			arg = p[1] == '0' ? a0 : a1;
			p += 2;
			for (; arg && *arg && o + 1 < n; arg++)
				buf[o++] = *arg;
			continue;
		}
		buf[o++] = *p;
	}
	/* Never leave half a UTF-8 sequence at the end. */
	while (o > 0 && ((unsigned char)buf[o - 1] & 0x80)) {
		size_t start = o - 1;

		while (start > 0 && ((unsigned char)buf[start] & 0xc0) == 0x80)
			start--;
		{
			unsigned char c = (unsigned char)buf[start];
			size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

			if (o - start >= need)
				break;
			o = start;
		}
	}
	buf[o] = '\0';
	return buf;
}
